package graphrpc_test

import (
	"math"
	"reflect"
	"testing"
	"time"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

// Each value goes to the database as a parameter and comes back: what comes back must be
// the same Go value (floats compared bit for bit, times by instant and zone).
func TestValuesRoundTripThroughTheDatabase(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	deep := any(int64(1))
	// 30 levels: the server refuses parameters nested deeper than 32 (GRAPHRPC_MAX_PARAM_DEPTH).
	for range 30 {
		deep = []any{deep}
	}
	cases := map[string]struct{ in, want any }{
		"null":            {nil, nil},
		"true":            {true, true},
		"int64 min":       {int64(math.MinInt64), int64(math.MinInt64)},
		"int64 max":       {int64(math.MaxInt64), int64(math.MaxInt64)},
		"int":             {42, int64(42)},
		"uint32":          {uint32(7), int64(7)},
		"float":           {1.5, 1.5},
		"NaN":             {math.NaN(), math.NaN()},
		"+Inf":            {math.Inf(1), math.Inf(1)},
		"-Inf":            {math.Inf(-1), math.Inf(-1)},
		"-0.0":            {math.Copysign(0, -1), math.Copysign(0, -1)},
		"unicode":         {"héllo, 世界 🌍 \x00 '\"\\", "héllo, 世界 🌍 \x00 '\"\\"},
		"empty string":    {"", ""},
		"bytes":           {[]byte{0, 1, 255}, []byte{0, 1, 255}},
		"list":            {[]any{int64(1), "a", nil}, []any{int64(1), "a", nil}},
		"typed list":      {[]string{"a", "b"}, []any{"a", "b"}},
		"empty list":      {[]any{}, []any{}},
		"30-deep list":    {deep, deep},
		"map":             {map[string]any{"a": int64(1), "b": []any{"c"}}, map[string]any{"a": int64(1), "b": []any{"c"}}},
		"typed map":       {map[string]int{"a": 1}, map[string]any{"a": int64(1)}},
		"empty map":       {map[string]any{}, map[string]any{}},
		"date":            {graphrpc.Date{Year: 2024, Month: 2, Day: 29}, graphrpc.Date{Year: 2024, Month: 2, Day: 29}},
		"date before1970": {graphrpc.Date{Year: 1, Month: 1, Day: 1}, graphrpc.Date{Year: 1, Month: 1, Day: 1}},
		"local time":      {graphrpc.LocalTime{Hour: 23, Minute: 59, Second: 59, Nanosecond: 999999999}, graphrpc.LocalTime{Hour: 23, Minute: 59, Second: 59, Nanosecond: 999999999}},
		"offset time": {graphrpc.OffsetTime{LocalTime: graphrpc.LocalTime{Hour: 1, Minute: 2, Second: 3, Nanosecond: 4}, OffsetSeconds: -5 * 3600},
			graphrpc.OffsetTime{LocalTime: graphrpc.LocalTime{Hour: 1, Minute: 2, Second: 3, Nanosecond: 4}, OffsetSeconds: -5 * 3600}},
		"local datetime": {graphrpc.LocalDateTime{Date: graphrpc.Date{Year: 1969, Month: 12, Day: 31}, LocalTime: graphrpc.LocalTime{Hour: 23, Nanosecond: 1}},
			graphrpc.LocalDateTime{Date: graphrpc.Date{Year: 1969, Month: 12, Day: 31}, LocalTime: graphrpc.LocalTime{Hour: 23, Nanosecond: 1}}},
		"datetime UTC":    {time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)},
		"datetime offset": {time.Date(2024, 1, 2, 3, 4, 5, 6, time.FixedZone("", 5*3600+1800)), time.Date(2024, 1, 2, 3, 4, 5, 6, time.FixedZone("", 5*3600+1800))},
		"datetime zone":   {time.Date(2024, 7, 1, 12, 0, 0, 123456789, paris), time.Date(2024, 7, 1, 12, 0, 0, 123456789, paris)},
		"duration": {graphrpc.Duration{Months: 14, Days: -3, Seconds: 3601, Nanos: 5},
			graphrpc.Duration{Months: 14, Days: -3, Seconds: 3601, Nanos: 5}},
		"point 2D cartesian": {graphrpc.Point{SRID: 7203, X: 1.5, Y: -2}, graphrpc.Point{SRID: 7203, X: 1.5, Y: -2}},
		"point 2D WGS-84":    {graphrpc.Point{SRID: 4326, X: 2.35, Y: 48.85}, graphrpc.Point{SRID: 4326, X: 2.35, Y: 48.85}},
		"point 3D cartesian": {graphrpc.Point{SRID: 9157, X: 1, Y: 2, Z: 3, HasZ: true}, graphrpc.Point{SRID: 9157, X: 1, Y: 2, Z: 3, HasZ: true}},
		"point 3D WGS-84":    {graphrpc.Point{SRID: 4979, X: 1, Y: 2, Z: 3, HasZ: true}, graphrpc.Point{SRID: 4979, X: 1, Y: 2, Z: 3, HasZ: true}},
	}
	c := dial(t, "reader")
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := c.Run(ctxFor(t, 30*time.Second), "RETURN $v AS v", graphrpc.Params{"v": tc.in})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Rows[0].Get("v"); !sameValue(got, tc.want) {
				t.Fatalf("sent %#v, got back %#v, want %#v", tc.in, got, tc.want)
			}
		})
	}
}

func sameValue(a, b any) bool {
	if x, ok := a.(float64); ok {
		y, ok := b.(float64)
		return ok && (math.Float64bits(x) == math.Float64bits(y) || (math.IsNaN(x) && math.IsNaN(y)))
	}
	if x, ok := a.(time.Time); ok {
		y, ok := b.(time.Time)
		_, xo := x.Zone()
		_, yo := y.Zone()
		return ok && x.Equal(y) && xo == yo && x.Location().String() == y.Location().String()
	}
	return reflect.DeepEqual(a, b)
}

func TestValuesTheClientRefuses(t *testing.T) {
	for name, v := range map[string]any{
		"uint64 above MaxInt64": uint64(math.MaxInt64) + 1,
		"a node":                graphrpc.Node{},
		"int map keys":          map[int]string{1: "a"},
		"a func":                func() {},
	} {
		if _, err := graphrpc.ToValue(v); err == nil {
			t.Errorf("%s: ToValue accepted %#v", name, v)
		}
	}
}
