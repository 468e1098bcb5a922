//! Classifications of recently seen statement texts, so that a service sending the same
//! statement again (the usual case: parameters change, the text does not) is not lexed and
//! parsed per call. The key is the whole text, compared byte for byte: a cached answer is
//! the one `classify` gives for exactly that text, so the cache cannot be fooled by a text
//! that merely hashes alike. Only texts that classify are kept (a refusal re-parses, to name
//! the error), and only short ones, so the cache's memory stays bounded: at most
//! 2 × [`GENERATION`] entries of at most [`MAX_TEXT`] bytes each.
//!
//! Eviction is by generations, an approximation of least-recently-used: entries go into the
//! young generation; when it is full it becomes the old one (the previous old one is
//! dropped); a hit in the old generation moves the entry back to the young one.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use super::{classify, Classification, ParseError};

/// Entries per generation.
pub const GENERATION: usize = 512;
/// Longest text kept, in bytes.
pub const MAX_TEXT: usize = 4096;

type Map = HashMap<Box<str>, Arc<Classification>>;

/// `classify(text)` through the process's cache: the statement check and the database span's
/// operation name ask for the same text in every call, and get one parse between them.
pub fn classify_cached(text: &str) -> Result<Arc<Classification>, ParseError> {
    static CACHE: OnceLock<ClassificationCache> = OnceLock::new();
    CACHE
        .get_or_init(ClassificationCache::default)
        .classify(text)
}

#[derive(Debug, Default)]
pub struct ClassificationCache {
    generations: Mutex<(Map, Map)>,
}

impl ClassificationCache {
    /// `classify(text)`, from the cache when the same text was classified recently.
    pub fn classify(&self, text: &str) -> Result<Arc<Classification>, ParseError> {
        if text.len() > MAX_TEXT {
            return classify(text).map(Arc::new);
        }
        if let Some(hit) = self.get(text) {
            return Ok(hit);
        }
        let classification = Arc::new(classify(text)?);
        self.insert(text, classification.clone());
        Ok(classification)
    }

    fn get(&self, text: &str) -> Option<Arc<Classification>> {
        let mut guard = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        let (young, old) = &mut *guard;
        if let Some(hit) = young.get(text) {
            return Some(hit.clone());
        }
        let (key, hit) = old.remove_entry(text)?;
        Self::push(young, old, key, hit.clone());
        Some(hit)
    }

    fn insert(&self, text: &str, classification: Arc<Classification>) {
        let mut guard = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        let (young, old) = &mut *guard;
        Self::push(young, old, text.into(), classification);
    }

    fn push(young: &mut Map, old: &mut Map, key: Box<str>, value: Arc<Classification>) {
        if young.len() >= GENERATION {
            *old = std::mem::take(young);
        }
        young.insert(key, value);
    }

    /// Entries held (both generations).
    pub fn len(&self) -> usize {
        let guard = self.generations.lock().unwrap_or_else(|e| e.into_inner());
        guard.0.len() + guard.1.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cypher::Kind;

    #[test]
    fn the_same_text_gets_the_same_answer_and_another_text_its_own() {
        let cache = ClassificationCache::default();
        let read = "MATCH (n) RETURN n";
        let write = "MATCH (n) DETACH DELETE n";
        for _ in 0..3 {
            assert_eq!(
                *cache.classify(read).expect("parses"),
                classify(read).expect("parses")
            );
            assert_eq!(cache.classify(write).expect("parses").kind, Kind::Write);
        }
        assert_eq!(cache.len(), 2);
        // One character more is another statement: never the cached answer of its prefix.
        let longer = "MATCH (n) RETURN n; MATCH (m) DELETE m";
        assert_eq!(
            cache.classify(longer).map(|c| c.kind).ok(),
            classify(longer).map(|c| c.kind).ok()
        );
        let held = cache.len();
        assert!(cache.classify("/* never closed").is_err());
        assert_eq!(cache.len(), held, "texts that do not classify are not kept");
    }

    #[test]
    fn a_text_alike_in_length_or_prefix_is_classified_on_its_own() {
        let cache = ClassificationCache::default();
        let read = "MATCH (n) RETURN n";
        let write = "MERGE (n) RETURN n"; // the same length, the same tail
        assert_eq!(read.len(), write.len());
        assert_eq!(cache.classify(read).expect("parses").kind, Kind::Read);
        assert_eq!(cache.classify(write).expect("parses").kind, Kind::Write);
        assert_eq!(cache.classify(read).expect("parses").kind, Kind::Read);
        assert_eq!(cache.classify(write).expect("parses").kind, Kind::Write);
    }

    #[test]
    fn memory_is_bounded() {
        let cache = ClassificationCache::default();
        for i in 0..(5 * GENERATION) {
            cache.classify(&format!("RETURN {i}")).expect("parses");
        }
        assert!(cache.len() <= 2 * GENERATION, "{}", cache.len());
        let long = format!("RETURN '{}'", "x".repeat(MAX_TEXT));
        cache.classify(&long).expect("parses");
        assert!(cache
            .generations
            .lock()
            .expect("lock")
            .0
            .keys()
            .all(|k| k.len() <= MAX_TEXT));
    }

    #[test]
    fn a_recent_entry_survives_a_generation_change() {
        let cache = ClassificationCache::default();
        cache.classify("RETURN 'kept'").expect("parses");
        for i in 0..(GENERATION + 10) {
            cache.classify(&format!("RETURN {i}")).expect("parses");
            // Used all along: it moves back to the young generation each time it is old.
            cache.classify("RETURN 'kept'").expect("parses");
        }
        let guard = cache.generations.lock().expect("lock");
        assert!(guard.0.contains_key("RETURN 'kept'") || guard.1.contains_key("RETURN 'kept'"));
    }
}
