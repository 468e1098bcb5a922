package io.graphrpc.client;

import java.util.List;

/**
 * The results of a batch, one per statement, in order.
 *
 * @param results each statement's keys, rows and summary
 * @param bookmark the bookmark after the commit, or "" when the server gives none
 * @param attempts how many times the batch ran
 */
public record BatchResult(List<Result> results, String bookmark, int attempts) {}
