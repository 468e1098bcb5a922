package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.graphrpc.v1.Value;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Java values to proto Values and back, without a server. */
class ValuesTest {
  private static Object roundTrip(Object v) {
    return Values.fromValue(Values.toValue(v));
  }

  @Test
  void scalarsKeepTheirValues() {
    assertNull(roundTrip(null));
    assertEquals(Long.MIN_VALUE, roundTrip(Long.MIN_VALUE));
    assertEquals(7L, roundTrip(7), "an int is sent as an INTEGER and comes back a Long");
    assertEquals(-0.0, (double) roundTrip(-0.0));
    assertTrue(Double.isNaN((double) roundTrip(Double.NaN)));
    assertEquals("é\u0000𝄞", roundTrip("é\u0000𝄞"));
    assertArrayEquals(new byte[] {0, -1, 2}, (byte[]) roundTrip(new byte[] {0, -1, 2}));
  }

  @Test
  void listsMayHoldNulls() {
    assertEquals(Arrays.asList(1L, null, "x"), roundTrip(Arrays.asList(1, null, "x")));
  }

  @Test
  void zonedDateTimesKeepTheirZoneByNameAndOffsetsStayOffsets() {
    ZonedDateTime paris = ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 123_456_789, ZoneId.of("Europe/Paris"));
    Value wire = Values.toValue(paris);
    assertEquals("Europe/Paris", wire.getDateTimeZoneId().getZoneId());
    assertEquals(paris, roundTrip(paris));
    ZonedDateTime fixed = ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 1, ZoneOffset.ofHours(-5));
    assertEquals(fixed.toOffsetDateTime(), roundTrip(fixed));
    assertEquals(Instant.EPOCH.atOffset(ZoneOffset.UTC), roundTrip(Instant.EPOCH));
    assertEquals(LocalDate.MIN, roundTrip(LocalDate.MIN));
    OffsetDateTime odt = OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(18));
    assertEquals(odt, roundTrip(odt));
  }

  @Test
  void durationsKeepTheirFourParts() {
    assertEquals(new CypherDuration(14, 3, 0, 0), roundTrip(Period.of(1, 2, 3)));
    assertEquals(new CypherDuration(0, 0, -2, 999_999_999), roundTrip(java.time.Duration.ofNanos(-1_000_000_001)));
    Value wire = Value.newBuilder()
        .setDuration(io.graphrpc.v1.Duration.newBuilder().setSeconds(1).setNanos(-1))
        .build();
    assertEquals(new CypherDuration(0, 0, 0, 999_999_999), Values.fromValue(wire));
  }

  @Test
  void anUnsupportedTypeIsRefusedNamingItsPath() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> Values.toParams(Map.of("person", Map.of("tags", List.of("a", new Object())))));
    assertTrue(e.getMessage().startsWith("params.person.tags[1]: a java.lang.Object cannot be sent"), e.getMessage());
  }

  record Movie(String title, int released, List<String> tags) {}

  @Test
  void rowsMapIntoRecordsByName() {
    Row row = new Row(List.of("released", "title", "tags"), Arrays.asList(1999L, "Matrix", List.of("a")));
    assertEquals(new Movie("Matrix", 1999, List.of("a")), row.as(Movie.class));
    Row big = new Row(List.of("released", "title", "tags"), Arrays.asList(1L << 40, "x", List.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> big.as(Movie.class));
    assertTrue(e.getMessage().contains("does not fit in an int"), e.getMessage());
    Row missing = new Row(List.of("title"), List.of("x"));
    assertThrows(IllegalArgumentException.class, () -> missing.as(Movie.class));
  }
}
