package io.graphrpc.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical JSON form of clients/conformance/README.md, to and from the client's Java
 * values: what the conformance vectors are written in.
 */
final class Canonical {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSSSSS");
  private static final DateTimeFormatter LOCAL_DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS");

  private Canonical() {}

  // ---- canonical -> Java ----

  static Object toJava(JsonNode canonical) {
    if (!canonical.isObject() || canonical.size() != 1) {
      throw new IllegalArgumentException("not a canonical value: " + canonical);
    }
    String kind = canonical.fieldNames().next();
    JsonNode v = canonical.get(kind);
    return switch (kind) {
      case "null" -> null;
      case "boolean" -> v.booleanValue();
      case "integer" -> Long.parseLong(v.textValue());
      case "float" -> toDouble(v);
      case "string" -> v.textValue();
      case "bytes" -> Base64.getDecoder().decode(v.textValue());
      case "list" -> {
        List<Object> list = new ArrayList<>();
        v.forEach(item -> list.add(toJava(item)));
        yield list;
      }
      case "map" -> {
        Map<String, Object> map = new LinkedHashMap<>();
        v.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
        yield map;
      }
      case "date" -> LocalDate.parse(v.textValue());
      case "local_time" -> LocalTime.parse(v.textValue());
      case "time" -> OffsetTime.parse(v.textValue());
      case "local_date_time" -> LocalDateTime.parse(v.textValue());
      case "date_time" -> OffsetDateTime.parse(v.textValue());
      case "date_time_zone_id" -> {
        String text = v.textValue();
        int bracket = text.indexOf('[');
        yield LocalDateTime.parse(text.substring(0, bracket))
            .atZone(ZoneId.of(text.substring(bracket + 1, text.length() - 1)));
      }
      case "duration" -> new CypherDuration(
          Long.parseLong(v.get("months").textValue()),
          Long.parseLong(v.get("days").textValue()),
          Long.parseLong(v.get("seconds").textValue()),
          v.get("nanos").intValue());
      case "point" -> new Point(v.get("srid").intValue(), toDouble(v.get("x")), toDouble(v.get("y")),
          v.has("z") ? toDouble(v.get("z")) : null);
      default -> throw new IllegalArgumentException("no Java value for a canonical " + kind);
    };
  }

  private static double toDouble(JsonNode v) {
    if (v.isTextual()) {
      return switch (v.textValue()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        case "-0" -> -0.0;
        default -> throw new IllegalArgumentException("not a float: " + v);
      };
    }
    return v.doubleValue();
  }

  // ---- Java -> canonical ----

  static JsonNode fromJava(Object value) {
    ObjectNode out = JSON.objectNode();
    if (value == null) {
      out.putNull("null");
    } else if (value instanceof Boolean b) {
      out.put("boolean", b);
    } else if (value instanceof Long l) {
      out.put("integer", Long.toString(l));
    } else if (value instanceof Double d) {
      out.set("float", fromDouble(d));
    } else if (value instanceof String s) {
      out.put("string", s);
    } else if (value instanceof byte[] bytes) {
      out.put("bytes", Base64.getEncoder().encodeToString(bytes));
    } else if (value instanceof List<?> list) {
      ArrayNode items = out.putArray("list");
      list.forEach(item -> items.add(fromJava(item)));
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode entries = out.putObject("map");
      map.forEach((k, v) -> entries.set((String) k, fromJava(v)));
    } else if (value instanceof LocalDate d) {
      out.put("date", d.toString());
    } else if (value instanceof LocalTime t) {
      out.put("local_time", t.format(LOCAL_TIME));
    } else if (value instanceof OffsetTime t) {
      out.put("time", t.toLocalTime().format(LOCAL_TIME) + offset(t.getOffset()));
    } else if (value instanceof LocalDateTime t) {
      out.put("local_date_time", t.format(LOCAL_DATE_TIME));
    } else if (value instanceof OffsetDateTime t) {
      out.put("date_time", t.toLocalDateTime().format(LOCAL_DATE_TIME) + offset(t.getOffset()));
    } else if (value instanceof ZonedDateTime t) {
      out.put("date_time_zone_id", t.toLocalDateTime().format(LOCAL_DATE_TIME) + "[" + t.getZone().getId() + "]");
    } else if (value instanceof CypherDuration d) {
      ObjectNode o = out.putObject("duration");
      o.put("months", Long.toString(d.months()));
      o.put("days", Long.toString(d.days()));
      o.put("seconds", Long.toString(d.seconds()));
      o.put("nanos", d.nanos());
    } else if (value instanceof Point p) {
      ObjectNode o = out.putObject("point");
      o.put("srid", p.srid());
      o.set("x", fromDouble(p.x()));
      o.set("y", fromDouble(p.y()));
      if (p.z() != null) {
        o.set("z", fromDouble(p.z()));
      }
    } else if (value instanceof Node n) {
      out.set("node", node(n));
    } else if (value instanceof Relationship r) {
      out.set("relationship", relationship(r));
    } else if (value instanceof Path p) {
      ObjectNode o = out.putObject("path");
      ArrayNode nodes = o.putArray("nodes");
      List<String> ids = new ArrayList<>();
      for (Node n : p.nodes()) {
        ObjectNode wrapped = JSON.objectNode();
        wrapped.set("node", node(n));
        nodes.add(wrapped);
        ids.add(n.elementId());
      }
      ArrayNode rels = o.putArray("relationships");
      for (Relationship r : p.relationships()) {
        ObjectNode rel = relationship(r);
        rel.put("start", ids.indexOf(r.startNodeElementId()));
        rel.put("end", ids.indexOf(r.endNodeElementId()));
        rels.add(rel);
      }
    } else {
      throw new IllegalArgumentException("no canonical form for a " + value.getClass());
    }
    return out;
  }

  private static ObjectNode node(Node n) {
    ObjectNode o = JSON.objectNode();
    ArrayNode labels = o.putArray("labels");
    n.labels().stream().sorted().forEach(labels::add);
    o.set("properties", fromJava(n.properties()).get("map"));
    return o;
  }

  private static ObjectNode relationship(Relationship r) {
    ObjectNode o = JSON.objectNode();
    o.put("type", r.type());
    o.set("properties", fromJava(r.properties()).get("map"));
    return o;
  }

  private static JsonNode fromDouble(double d) {
    if (Double.isNaN(d)) {
      return JSON.textNode("NaN");
    }
    if (Double.isInfinite(d)) {
      return JSON.textNode(d > 0 ? "Infinity" : "-Infinity");
    }
    if (d == 0 && 1 / d < 0) {
      return JSON.textNode("-0");
    }
    return JSON.numberNode(d);
  }

  private static String offset(ZoneOffset offset) {
    int total = offset.getTotalSeconds();
    int abs = Math.abs(total);
    String text = String.format("%s%02d:%02d", total < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
    return abs % 60 == 0 ? text : text + String.format(":%02d", abs % 60);
  }

  // ---- equality ----

  /** The README's rule: numbers compared as doubles, everything else exactly. */
  static boolean equal(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Map.Entry<String, JsonNode> e : a.properties()) {
        if (!b.has(e.getKey()) || !equal(e.getValue(), b.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }
}
