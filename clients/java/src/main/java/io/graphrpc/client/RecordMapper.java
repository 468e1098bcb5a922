package io.graphrpc.client;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rows and maps into user records, by component name. */
final class RecordMapper {
  private RecordMapper() {}

  static <T extends Record> T map(Map<String, Object> source, Class<T> type, String where) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types = new Class<?>[components.length];
    Object[] args = new Object[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      String name = c.getName();
      if (!source.containsKey(name)) {
        throw new IllegalArgumentException(
            where + " has no `" + name + "` for " + type.getSimpleName() + "; it has " + source.keySet());
      }
      args[i] = convert(source.get(name), c.getType(), c.getGenericType(), name);
    }
    try {
      Constructor<T> constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
      return constructor.newInstance(args);
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          type.getSimpleName() + " refused " + where + ": " + e.getCause().getMessage(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot build a " + type.getName() + ": " + e, e);
    }
  }

  static <T> T convert(Object value, Class<T> type, String name) {
    return convert(value, type, type, name);
  }

  @SuppressWarnings("unchecked") // each branch checks the value against the target type
  static <T> T convert(Object value, Class<T> type, Type generic, String name) {
    if (value == null) {
      if (type.isPrimitive()) {
        throw new IllegalArgumentException(name + " is null; a " + type + " cannot hold it");
      }
      return null;
    }
    Class<?> boxed = boxed(type);
    if (boxed.isInstance(value) && !(value instanceof List<?>)) {
      return (T) value;
    }
    if (value instanceof Long l) {
      if (boxed == Integer.class) {
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(name + " = " + l + " does not fit in an int");
        }
        return (T) Integer.valueOf(l.intValue());
      }
      if (boxed == Double.class) {
        return (T) Double.valueOf(l.doubleValue());
      }
    }
    if (value instanceof List<?> list && (type == List.class || type == Object.class)) {
      Type element = elementType(generic);
      if (element instanceof Class<?> cls && cls != Object.class) {
        List<Object> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
          out.add(convert(list.get(i), cls, cls, name + "[" + i + "]"));
        }
        return (T) out;
      }
      return (T) list;
    }
    if (type.isRecord()) {
      @SuppressWarnings("rawtypes")
      Class raw = type;
      if (value instanceof Map<?, ?> map) {
        return (T) map(stringKeys(map), raw, name);
      }
      if (value instanceof Node node) {
        return (T) map(node.properties(), raw, name);
      }
      if (value instanceof Relationship rel) {
        return (T) map(rel.properties(), raw, name);
      }
    }
    throw new IllegalArgumentException(
        name + " is a " + value.getClass().getSimpleName() + "; it cannot become a " + type.getSimpleName());
  }

  private static Type elementType(Type generic) {
    if (generic instanceof ParameterizedType p && p.getActualTypeArguments().length == 1) {
      return p.getActualTypeArguments()[0];
    }
    return Object.class;
  }

  @SuppressWarnings("unchecked") // keys were checked to be strings
  private static Map<String, Object> stringKeys(Map<?, ?> map) {
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        throw new IllegalArgumentException("a map with a non-string key cannot become a record");
      }
    }
    return (Map<String, Object>) map;
  }

  private static Class<?> boxed(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == long.class) {
      return Long.class;
    }
    if (type == int.class) {
      return Integer.class;
    }
    if (type == double.class) {
      return Double.class;
    }
    if (type == boolean.class) {
      return Boolean.class;
    }
    throw new IllegalArgumentException("a " + type + " cannot receive a Cypher value; use long, double or boolean");
  }
}
