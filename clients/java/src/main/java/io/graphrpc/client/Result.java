package io.graphrpc.client;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A complete result: keys, rows and summary.
 *
 * @param keys the column names, in RETURN order
 * @param rows every row
 * @param summary what the database reported
 */
public record Result(List<String> keys, List<Row> rows, Summary summary) {
  /** The only row; none or more than one is an error. */
  public Row single() {
    if (rows.size() != 1) {
      throw new NoSuchElementException("expected exactly one row, got " + rows.size());
    }
    return rows.get(0);
  }

  /** Every row as a {@code type} record (see {@link Row#as}). */
  public <T extends Record> List<T> list(Class<T> type) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row row : rows) {
      out.add(row.as(type));
    }
    return out;
  }
}
