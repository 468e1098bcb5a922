package io.graphrpc.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import io.graphrpc.v1.ListValue;
import io.graphrpc.v1.MapValue;
import io.graphrpc.v1.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java values to and from graphrpc {@code Value}s; the only place that knows both.
 *
 * <p>Sent: null, Boolean, Byte/Short/Integer/Long, Float/Double, String, byte[], Collection and
 * Object[] (lists), Map with String keys, LocalDate, OffsetTime, LocalTime, OffsetDateTime,
 * ZonedDateTime (a region zone is kept by name, a fixed offset as an offset), Instant (UTC),
 * LocalDateTime, {@link CypherDuration}, java.time.Duration and Period, {@link Point}, and the
 * graph records. Received: the same types; integers are Long, floats Double, lists
 * {@code List<Object>}, maps {@code Map<String, Object>}, datetimes with an offset
 * OffsetDateTime and with a zone id ZonedDateTime.
 */
final class Values {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final Value NULL = Value.newBuilder().setNull(NullValue.NULL_VALUE).build();

  private Values() {}

  /** The parameters map of a request; {@code path} prefixes error messages ("params"). */
  static Map<String, Value> toParams(Map<String, ?> params) {
    Map<String, Value> out = new LinkedHashMap<>();
    if (params == null) {
      return out;
    }
    for (Map.Entry<String, ?> entry : params.entrySet()) {
      String key = entry.getKey();
      if (key == null) {
        throw new IllegalArgumentException("params: a parameter name is null");
      }
      out.put(key, toValue(entry.getValue(), "params." + key));
    }
    return out;
  }

  /** A Java value as a graphrpc Value. */
  static Value toValue(Object value) {
    return toValue(value, "value");
  }

  private static Value toValue(Object v, String path) {
    if (v == null) {
      return NULL;
    }
    Value.Builder b = Value.newBuilder();
    if (v instanceof Boolean x) {
      return b.setBoolean(x).build();
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return b.setInteger(((Number) v).longValue()).build();
    }
    if (v instanceof Double || v instanceof Float) {
      return b.setFloat(((Number) v).doubleValue()).build();
    }
    if (v instanceof String x) {
      return b.setString(x).build();
    }
    if (v instanceof byte[] x) {
      return b.setBytes(ByteString.copyFrom(x)).build();
    }
    if (v instanceof Collection<?> x) {
      return b.setList(toList(x, path)).build();
    }
    if (v instanceof Object[] x) {
      return b.setList(toList(List.of(x), path)).build();
    }
    if (v instanceof Map<?, ?> x) {
      return b.setMap(toMap(x, path)).build();
    }
    if (v instanceof LocalDate x) {
      return b.setDate(io.graphrpc.v1.Date.newBuilder().setDays(x.toEpochDay())).build();
    }
    if (v instanceof OffsetTime x) {
      return b.setTime(
              io.graphrpc.v1.Time.newBuilder()
                  .setNanosOfDay(x.toLocalTime().toNanoOfDay())
                  .setOffsetSeconds(x.getOffset().getTotalSeconds()))
          .build();
    }
    if (v instanceof LocalTime x) {
      return b.setLocalTime(io.graphrpc.v1.LocalTime.newBuilder().setNanosOfDay(x.toNanoOfDay()))
          .build();
    }
    if (v instanceof OffsetDateTime x) {
      return b.setDateTime(dateTime(x)).build();
    }
    if (v instanceof ZonedDateTime x) {
      if (x.getZone() instanceof ZoneOffset) {
        return b.setDateTime(dateTime(x.toOffsetDateTime())).build();
      }
      return b.setDateTimeZoneId(
              io.graphrpc.v1.DateTimeZoneId.newBuilder()
                  .setLocalSeconds(x.toLocalDateTime().toEpochSecond(ZoneOffset.UTC))
                  .setNanos(x.getNano())
                  .setZoneId(x.getZone().getId()))
          .build();
    }
    if (v instanceof Instant x) {
      return b.setDateTime(dateTime(x.atOffset(ZoneOffset.UTC))).build();
    }
    if (v instanceof LocalDateTime x) {
      return b.setLocalDateTime(
              io.graphrpc.v1.LocalDateTime.newBuilder()
                  .setEpochSeconds(x.toEpochSecond(ZoneOffset.UTC))
                  .setNanos(x.getNano()))
          .build();
    }
    if (v instanceof CypherDuration x) {
      return b.setDuration(
              io.graphrpc.v1.Duration.newBuilder()
                  .setMonths(x.months())
                  .setDays(x.days())
                  .setSeconds(x.seconds())
                  .setNanos(x.nanos()))
          .build();
    }
    if (v instanceof java.time.Duration x) {
      return toValue(CypherDuration.of(x), path);
    }
    if (v instanceof Period x) {
      return toValue(CypherDuration.of(x), path);
    }
    if (v instanceof Point x) {
      io.graphrpc.v1.Point.Builder p =
          io.graphrpc.v1.Point.newBuilder().setSrid(x.srid()).setX(x.x()).setY(x.y());
      if (x.z() != null) {
        p.setZ(x.z());
      }
      return b.setPoint(p).build();
    }
    if (v instanceof Node x) {
      return b.setNode(node(x, path)).build();
    }
    if (v instanceof Relationship x) {
      return b.setRelationship(relationship(x, path)).build();
    }
    if (v instanceof Path x) {
      io.graphrpc.v1.Path.Builder p = io.graphrpc.v1.Path.newBuilder();
      for (Node n : x.nodes()) {
        p.addNodes(node(n, path));
      }
      for (Relationship r : x.relationships()) {
        p.addRelationships(relationship(r, path));
      }
      return b.setPath(p).build();
    }
    throw new IllegalArgumentException(
        path
            + ": a "
            + v.getClass().getName()
            + " cannot be sent; use a Long, Double, String, byte[], List, Map, a java.time type,"
            + " CypherDuration or Point");
  }

  private static io.graphrpc.v1.DateTime dateTime(OffsetDateTime x) {
    return io.graphrpc.v1.DateTime.newBuilder()
        .setEpochSeconds(x.toEpochSecond())
        .setNanos(x.getNano())
        .setOffsetSeconds(x.getOffset().getTotalSeconds())
        .build();
  }

  private static ListValue toList(Collection<?> items, String path) {
    ListValue.Builder list = ListValue.newBuilder();
    int i = 0;
    for (Object item : items) {
      list.addValues(toValue(item, path + "[" + i + "]"));
      i++;
    }
    return list.build();
  }

  private static MapValue toMap(Map<?, ?> map, String path) {
    MapValue.Builder out = MapValue.newBuilder();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!(entry.getKey() instanceof String key)) {
        throw new IllegalArgumentException(path + ": map keys must be strings");
      }
      out.putEntries(key, toValue(entry.getValue(), path + "." + key));
    }
    return out.build();
  }

  private static io.graphrpc.v1.Node node(Node n, String path) {
    return io.graphrpc.v1.Node.newBuilder()
        .setId(n.id())
        .setElementId(n.elementId())
        .addAllLabels(n.labels())
        .putAllProperties(toMap(n.properties(), path).getEntriesMap())
        .build();
  }

  private static io.graphrpc.v1.Relationship relationship(Relationship r, String path) {
    return io.graphrpc.v1.Relationship.newBuilder()
        .setId(r.id())
        .setElementId(r.elementId())
        .setStartNodeId(r.startNodeId())
        .setStartNodeElementId(r.startNodeElementId())
        .setEndNodeId(r.endNodeId())
        .setEndNodeElementId(r.endNodeElementId())
        .setType(r.type())
        .putAllProperties(toMap(r.properties(), path).getEntriesMap())
        .build();
  }

  /** A graphrpc Value as a Java value (see the class comment for the types). */
  static Object fromValue(Value v) {
    switch (v.getKindCase()) {
      case NULL:
      case KIND_NOT_SET:
        return null;
      case BOOLEAN:
        return v.getBoolean();
      case INTEGER:
        return v.getInteger();
      case FLOAT:
        return v.getFloat();
      case STRING:
        return v.getString();
      case BYTES:
        return v.getBytes().toByteArray();
      case LIST:
        return fromList(v.getList().getValuesList());
      case MAP:
        return fromMap(v.getMap().getEntriesMap());
      case NODE:
        return node(v.getNode());
      case RELATIONSHIP:
        return relationship(v.getRelationship());
      case PATH:
        {
          List<Node> nodes = new ArrayList<>();
          for (io.graphrpc.v1.Node n : v.getPath().getNodesList()) {
            nodes.add(node(n));
          }
          List<Relationship> rels = new ArrayList<>();
          for (io.graphrpc.v1.Relationship r : v.getPath().getRelationshipsList()) {
            rels.add(relationship(r));
          }
          return new Path(
              Collections.unmodifiableList(nodes), Collections.unmodifiableList(rels));
        }
      case DATE:
        return LocalDate.ofEpochDay(v.getDate().getDays());
      case TIME:
        return OffsetTime.of(
            LocalTime.ofNanoOfDay(v.getTime().getNanosOfDay()),
            ZoneOffset.ofTotalSeconds(v.getTime().getOffsetSeconds()));
      case LOCAL_TIME:
        return LocalTime.ofNanoOfDay(v.getLocalTime().getNanosOfDay());
      case DATE_TIME:
        {
          io.graphrpc.v1.DateTime d = v.getDateTime();
          return Instant.ofEpochSecond(d.getEpochSeconds(), d.getNanos())
              .atOffset(ZoneOffset.ofTotalSeconds(d.getOffsetSeconds()));
        }
      case DATE_TIME_ZONE_ID:
        {
          io.graphrpc.v1.DateTimeZoneId d = v.getDateTimeZoneId();
          return LocalDateTime.ofEpochSecond(d.getLocalSeconds(), d.getNanos(), ZoneOffset.UTC)
              .atZone(ZoneId.of(d.getZoneId()));
        }
      case LOCAL_DATE_TIME:
        {
          io.graphrpc.v1.LocalDateTime d = v.getLocalDateTime();
          return LocalDateTime.ofEpochSecond(d.getEpochSeconds(), d.getNanos(), ZoneOffset.UTC);
        }
      case DURATION:
        {
          io.graphrpc.v1.Duration d = v.getDuration();
          // Normalised the way Cypher does for a negative nanosecond part, so that the
          // record's invariant (0..999 999 999) holds for any value on the wire.
          long seconds = d.getSeconds() + Math.floorDiv(d.getNanos(), NANOS_PER_SECOND);
          int nanos = (int) Math.floorMod(d.getNanos(), NANOS_PER_SECOND);
          return new CypherDuration(d.getMonths(), d.getDays(), seconds, nanos);
        }
      case POINT:
        {
          io.graphrpc.v1.Point p = v.getPoint();
          return new Point(p.getSrid(), p.getX(), p.getY(), p.hasZ() ? p.getZ() : null);
        }
    }
    throw new IllegalStateException("a Value of kind " + v.getKindCase() + " is not known");
  }

  static List<Object> fromList(List<Value> values) {
    List<Object> out = new ArrayList<>(values.size());
    for (Value item : values) {
      out.add(fromValue(item));
    }
    // Unmodifiable but null-friendly (List.copyOf refuses the nulls Cypher lists may hold).
    return Collections.unmodifiableList(out);
  }

  static Map<String, Object> fromMap(Map<String, Value> entries) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Value> e : entries.entrySet()) {
      out.put(e.getKey(), fromValue(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static Node node(io.graphrpc.v1.Node n) {
    return new Node(
        n.getId(),
        n.getElementId(),
        List.copyOf(n.getLabelsList()),
        fromMap(n.getPropertiesMap()));
  }

  private static Relationship relationship(io.graphrpc.v1.Relationship r) {
    return new Relationship(
        r.getId(),
        r.getElementId(),
        r.getStartNodeId(),
        r.getStartNodeElementId(),
        r.getEndNodeId(),
        r.getEndNodeElementId(),
        r.getType(),
        fromMap(r.getPropertiesMap()));
  }
}
