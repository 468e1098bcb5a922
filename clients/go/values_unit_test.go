package graphrpc_test

import (
	"testing"
	"time"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// Zoned datetimes that time.Time cannot hold stay as given, as ZonedDateTime: a wall clock
// the zone skips (Neo4j would have moved it; another database may not) and a zone id Go does
// not know. The zone id "UTC" stays a zone id, apart from a datetime at offset 0.
func TestZonedDateTimesTimeTimeCannotHold(t *testing.T) {
	wall := func(s string) int64 {
		w, err := time.Parse("2006-01-02T15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return w.Unix()
	}
	zoned := func(local int64, zone string) *pb.Value {
		return &pb.Value{Kind: &pb.Value_DateTimeZoneId{DateTimeZoneId: &pb.DateTimeZoneId{LocalSeconds: local, ZoneId: zone}}}
	}
	for _, tc := range []struct {
		name, zone, wall string
		want             string
	}{
		{"DST gap", "Europe/Paris", "2024-03-31T02:30:00", "2024-03-31T02:30:00.000000000[Europe/Paris]"},
		{"unknown zone", "Not/AZone", "2024-01-01T00:00:00", "2024-01-01T00:00:00.000000000[Not/AZone]"},
	} {
		v, err := graphrpc.FromValue(zoned(wall(tc.wall), tc.zone))
		if err != nil {
			t.Fatal(err)
		}
		z, ok := v.(graphrpc.ZonedDateTime)
		if !ok || z.String() != tc.want {
			t.Fatalf("%s: got %#v, want ZonedDateTime %s", tc.name, v, tc.want)
		}
		back, err := graphrpc.ToValue(z)
		if err != nil || back.GetDateTimeZoneId().GetLocalSeconds() != wall(tc.wall) || back.GetDateTimeZoneId().GetZoneId() != tc.zone {
			t.Fatalf("%s: sent back as %v, %v", tc.name, back, err)
		}
	}
	v, err := graphrpc.FromValue(zoned(wall("2024-07-01T12:00:00"), "UTC"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := graphrpc.ToValue(v)
	if err != nil || back.GetDateTimeZoneId().GetZoneId() != "UTC" {
		t.Fatalf("the zone id UTC went back as %v (%v)", back, err)
	}
	if back, _ := graphrpc.ToValue(time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC)); back.GetDateTime() == nil {
		t.Fatalf("a time in time.UTC went as %v, want a datetime with offset 0", back)
	}
}
