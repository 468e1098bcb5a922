package io.graphrpc.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * One result row: the values in the order of the result's keys.
 *
 * @param keys the column names, shared by every row of a result
 * @param values the values, as Java values (Long, Double, String, List, Map, java.time types,
 *     {@link CypherDuration}, {@link Point}, {@link Node}, ...)
 */
public record Row(List<String> keys, List<Object> values) {
  /** The value of column {@code name}; an unknown column is an error, not a null. */
  public Object get(String name) {
    int index = keys.indexOf(name);
    if (index < 0) {
      throw new NoSuchElementException("no column `" + name + "` in this row; its keys are " + keys);
    }
    return values.get(index);
  }

  /** The value at column {@code index}. */
  public Object get(int index) {
    return values.get(index);
  }

  /** Column {@code name} as a long (a Cypher INTEGER). */
  public long getLong(String name) {
    return RecordMapper.convert(get(name), long.class, name);
  }

  /** Column {@code name} as a double (a Cypher FLOAT or INTEGER). */
  public double getDouble(String name) {
    return RecordMapper.convert(get(name), double.class, name);
  }

  /** Column {@code name} as a String (null stays null). */
  public String getString(String name) {
    return RecordMapper.convert(get(name), String.class, name);
  }

  /** Column {@code name} as a boolean. */
  public boolean getBoolean(String name) {
    return RecordMapper.convert(get(name), boolean.class, name);
  }

  /** The row as a map from column name to value, in column order. */
  public Map<String, Object> asMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      map.put(keys.get(i), values.get(i));
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * The row as a {@code type} record: each component takes the column of its name, converted
   * (Long to int when it fits, a map or node to a nested record, ...). A missing column or a
   * value that does not fit is an {@link IllegalArgumentException} naming the column.
   */
  public <T extends Record> T as(Class<T> type) {
    return RecordMapper.map(asMap(), type, "row");
  }
}
