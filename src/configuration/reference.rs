//! The configuration reference (docs/reference/configuration.md), rendered from the clap
//! definitions themselves, so the page cannot drift from the flags: `graphrpc
//! config-reference` prints it and `tests/reference.rs` fails when the committed page differs.

use clap::{Arg, CommandFactory};

use super::Cli;

/// Where the page lives, from the repository root.
pub const PAGE: &str = "docs/reference/configuration.md";

/// The whole page: one table per subcommand, flags in declaration order.
pub fn markdown() -> String {
    let mut page = String::from(
        "# Configuration reference\n\
         \n\
         <!-- Generated from the clap definitions (src/configuration/cli.rs, src/query_cli.rs) \
         by `graphrpc config-reference`; do not edit by hand. tests/reference.rs fails when \
         this page is stale; `GRAPHRPC_UPDATE_REFERENCE=1 cargo test --test reference` \
         rewrites it. -->\n\
         \n\
         Every flag of `graphrpc serve` can also be set by the environment variable shown; a \
         flag given on the command line wins over its variable. Durations are written as \
         `500ms`, `30s`, `5m`. A bad value stops start-up with a message naming the setting.\n",
    );
    let cli = built();
    for sub in cli.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        page.push_str(&format!("\n## `graphrpc {}`\n\n", sub.get_name()));
        if let Some(about) = sub.get_long_about().or(sub.get_about()) {
            page.push_str(&format!("{}\n\n", paragraphs(&about.to_string(), "\n\n")));
        }
        page.push_str("| Flag | Environment variable | Default | Description |\n");
        page.push_str("|---|---|---|---|\n");
        for arg in sub.get_arguments().filter(|arg| shown(arg)) {
            page.push_str(&row(arg));
        }
    }
    page
}

/// The command tree as clap completes it (value counts, value names, help flags).
fn built() -> clap::Command {
    let mut cli = Cli::command();
    cli.build();
    cli
}

/// Every documented argument: clap's own --help and --version are left out.
fn shown(arg: &Arg) -> bool {
    !arg.is_hide_set() && !matches!(arg.get_id().as_str(), "help" | "version")
}

/// The arguments without a description (the reference test refuses them).
pub fn undocumented() -> Vec<String> {
    let cli = built();
    cli.get_subcommands()
        .flat_map(|sub| {
            sub.get_arguments()
                .filter(|arg| shown(arg) && arg.get_help().is_none())
                .map(|arg| format!("graphrpc {} {}", sub.get_name(), flag(arg)))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn flag(arg: &Arg) -> String {
    let names = arg
        .get_value_names()
        .map(|names| names.iter().map(|n| format!("<{n}>")).collect::<Vec<_>>())
        .unwrap_or_default();
    let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
    let value = if takes_value && !names.is_empty() {
        format!(" {}", names.join(" "))
    } else if takes_value {
        format!(" <{}>", arg.get_id().as_str().to_uppercase())
    } else {
        String::new()
    };
    match (arg.get_long(), arg.get_short()) {
        (Some(long), Some(short)) => format!("-{short}, --{long}{value}"),
        (Some(long), None) => format!("--{long}{value}"),
        (None, Some(short)) => format!("-{short}{value}"),
        // A positional argument.
        (None, None) => value.trim_start().to_owned(),
    }
}

fn row(arg: &Arg) -> String {
    let env = arg
        .get_env()
        .map(|env| format!("`{}`", env.to_string_lossy()))
        .unwrap_or_default();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    let default = match defaults.as_slice() {
        [] if arg.is_required_set() => "required".to_owned(),
        [] => String::new(),
        [one] if one.is_empty() => "(empty)".to_owned(),
        many => format!("`{}`", many.join(",")),
    };
    let mut description = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|help| paragraphs(&help.to_string(), "<br><br>"))
        .unwrap_or_default();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(help) => format!("`{}` ({})", v.get_name(), help),
            None => format!("`{}`", v.get_name()),
        })
        .collect();
    // A switch (no value) has the possible values true/false, which say nothing.
    let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values());
    if takes_value && !values.is_empty() {
        description.push_str(&format!(" One of: {}.", values.join(", ")));
    }
    format!(
        "| `{}` | {} | {} | {} |\n",
        flag(arg),
        env,
        cell(&default),
        cell(&description)
    )
}

/// Doc-comment text as markdown: the lines of a paragraph joined, paragraphs by `separator`;
/// each ends with a full stop (clap drops the one of a single-line comment).
fn paragraphs(text: &str, separator: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.ends_with(['.', ':', ')', '!', '?']) {
                p
            } else {
                format!("{p}.")
            }
        })
        .collect::<Vec<_>>()
        .join(separator)
}

/// A table cell: a `|` would end the cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
