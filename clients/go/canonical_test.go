package graphrpc_test

// The canonical JSON form of values (clients/conformance/README.md), to and from the
// client's native Go values. Test code: the form is the vectors', not the client's API.

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	graphrpc "github.com/graphrpc/graphrpc/clients/go"
)

const wallLayout = "2006-01-02T15:04:05.000000000"

// fromCanonical turns a canonical value (decoded with json.Decoder.UseNumber) into the Go
// value a user would send.
func fromCanonical(c any) (any, error) {
	m, ok := c.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, fmt.Errorf("not a canonical value: %v", c)
	}
	for kind, v := range m {
		switch kind {
		case "null":
			return nil, nil
		case "boolean":
			return v.(bool), nil
		case "integer":
			return strconv.ParseInt(v.(string), 10, 64)
		case "float":
			return canonicalFloat(v)
		case "string":
			return v.(string), nil
		case "bytes":
			return base64.StdEncoding.DecodeString(v.(string))
		case "list":
			out := []any{}
			for _, e := range v.([]any) {
				x, err := fromCanonical(e)
				if err != nil {
					return nil, err
				}
				out = append(out, x)
			}
			return out, nil
		case "map":
			out := map[string]any{}
			for k, e := range v.(map[string]any) {
				x, err := fromCanonical(e)
				if err != nil {
					return nil, err
				}
				out[k] = x
			}
			return out, nil
		case "date":
			t, err := time.Parse("2006-01-02", v.(string))
			return graphrpc.DateOf(t), err
		case "local_time":
			t, err := time.Parse("15:04:05.000000000", v.(string))
			return localTimeOf(t), err
		case "time":
			s := v.(string)
			wall, off, err := splitOffset(s)
			if err != nil {
				return nil, err
			}
			t, err := time.Parse("15:04:05.000000000", wall)
			return graphrpc.OffsetTime{LocalTime: localTimeOf(t), OffsetSeconds: int32(off)}, err
		case "local_date_time":
			t, err := time.Parse(wallLayout, v.(string))
			return graphrpc.LocalDateTimeOf(t), err
		case "date_time":
			wall, off, err := splitOffset(v.(string))
			if err != nil {
				return nil, err
			}
			t, err := time.Parse(wallLayout, wall)
			loc := time.UTC
			if off != 0 {
				loc = time.FixedZone("", off)
			}
			return graphrpc.LocalDateTimeOf(t).In(loc), err
		case "date_time_zone_id":
			s := v.(string)
			i := strings.IndexByte(s, '[')
			t, err := time.Parse(wallLayout, s[:i])
			if err != nil {
				return nil, err
			}
			wall, zone := graphrpc.LocalDateTimeOf(t), strings.TrimSuffix(s[i+1:], "]")
			loc, err := time.LoadLocation(zone)
			if err != nil { // an offset as a zone id: Go has no location for it
				return graphrpc.ZonedDateTime{LocalDateTime: wall, Zone: zone}, nil
			}
			if loc == time.UTC {
				loc = time.FixedZone("UTC", 0) // the zone id UTC, not an offset
			}
			return wall.In(loc), nil
		case "duration":
			d := v.(map[string]any)
			months, err1 := strconv.ParseInt(d["months"].(string), 10, 64)
			days, err2 := strconv.ParseInt(d["days"].(string), 10, 64)
			seconds, err3 := strconv.ParseInt(d["seconds"].(string), 10, 64)
			nanos, err4 := d["nanos"].(json.Number).Int64()
			for _, err := range []error{err1, err2, err3, err4} {
				if err != nil {
					return nil, err
				}
			}
			return graphrpc.Duration{Months: months, Days: days, Seconds: seconds, Nanos: int32(nanos)}, nil
		case "point":
			p := v.(map[string]any)
			srid, _ := p["srid"].(json.Number).Int64()
			x, _ := canonicalFloat(p["x"])
			y, _ := canonicalFloat(p["y"])
			out := graphrpc.Point{SRID: int32(srid), X: x, Y: y}
			if z, ok := p["z"]; ok {
				out.Z, _ = canonicalFloat(z)
				out.HasZ = true
			}
			return out, nil
		}
		return nil, fmt.Errorf("unknown canonical kind %q", kind)
	}
	return nil, nil
}

func localTimeOf(t time.Time) graphrpc.LocalTime {
	return graphrpc.LocalTime{Hour: t.Hour(), Minute: t.Minute(), Second: t.Second(), Nanosecond: t.Nanosecond()}
}

func canonicalFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Float64()
	case string:
		switch x {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		case "-0":
			return math.Copysign(0, -1), nil
		}
	}
	return 0, fmt.Errorf("not a canonical float: %v", v)
}

// splitOffset splits "…+05:45" (or ±HH:MM:SS) into the text before it and the offset.
func splitOffset(s string) (string, int, error) {
	i := strings.LastIndexAny(s, "+-")
	if i < 0 {
		return "", 0, fmt.Errorf("no offset in %q", s)
	}
	parts := strings.Split(s[i+1:], ":")
	off := 0
	for j, unit := range []int{3600, 60, 1} {
		if j < len(parts) {
			n, err := strconv.Atoi(parts[j])
			if err != nil {
				return "", 0, err
			}
			off += n * unit
		}
	}
	if s[i] == '-' {
		off = -off
	}
	return s[:i], off, nil
}

func formatOffset(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	s := fmt.Sprintf("%s%02d:%02d", sign, off/3600, off/60%60)
	if off%60 != 0 {
		s += fmt.Sprintf(":%02d", off%60)
	}
	return s
}

func formatFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == 0 && math.Signbit(f):
		return "-0"
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// toCanonical turns a value the client returned into the canonical form.
func toCanonical(v any) (any, error) {
	one := func(k string, v any) map[string]any { return map[string]any{k: v} }
	switch x := v.(type) {
	case nil:
		return one("null", nil), nil
	case bool:
		return one("boolean", x), nil
	case int64:
		return one("integer", strconv.FormatInt(x, 10)), nil
	case float64:
		return one("float", formatFloat(x)), nil
	case string:
		return one("string", x), nil
	case []byte:
		return one("bytes", base64.StdEncoding.EncodeToString(x)), nil
	case []any:
		out := []any{}
		for _, e := range x {
			c, err := toCanonical(e)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return one("list", out), nil
	case map[string]any:
		out, err := canonicalMap(x)
		return one("map", out), err
	case graphrpc.Date:
		return one("date", x.String()), nil
	case graphrpc.LocalTime:
		return one("local_time", x.String()), nil
	case graphrpc.OffsetTime:
		return one("time", x.LocalTime.String()+formatOffset(int(x.OffsetSeconds))), nil
	case graphrpc.LocalDateTime:
		return one("local_date_time", x.String()), nil
	case graphrpc.ZonedDateTime:
		return one("date_time_zone_id", x.String()), nil
	case time.Time:
		loc := x.Location()
		if loc != time.UTC && loc != time.Local && loc.String() != "" {
			return one("date_time_zone_id", x.Format(wallLayout)+"["+loc.String()+"]"), nil
		}
		_, off := x.Zone()
		return one("date_time", x.Format(wallLayout)+formatOffset(off)), nil
	case graphrpc.Duration:
		return one("duration", map[string]any{"months": strconv.FormatInt(x.Months, 10), "days": strconv.FormatInt(x.Days, 10),
			"seconds": strconv.FormatInt(x.Seconds, 10), "nanos": json.Number(strconv.Itoa(int(x.Nanos)))}), nil
	case graphrpc.Point:
		p := map[string]any{"srid": json.Number(strconv.Itoa(int(x.SRID))), "x": formatFloat(x.X), "y": formatFloat(x.Y)}
		if x.HasZ {
			p["z"] = formatFloat(x.Z)
		}
		return one("point", p), nil
	case graphrpc.Node:
		n, err := canonicalNode(x)
		return one("node", n), err
	case graphrpc.Relationship:
		props, err := canonicalMap(x.Props)
		return one("relationship", map[string]any{"type": x.Type, "properties": props}), err
	case graphrpc.Path:
		nodes := []any{}
		for _, n := range x.Nodes {
			c, err := canonicalNode(n)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, one("node", c))
		}
		at := func(elementID string) any {
			for i, n := range x.Nodes {
				if n.ElementID == elementID {
					return json.Number(strconv.Itoa(i))
				}
			}
			return nil
		}
		rels := []any{}
		for _, r := range x.Relationships {
			props, err := canonicalMap(r.Props)
			if err != nil {
				return nil, err
			}
			rels = append(rels, map[string]any{"type": r.Type, "properties": props, "start": at(r.StartElementID), "end": at(r.EndElementID)})
		}
		return one("path", map[string]any{"nodes": nodes, "relationships": rels}), nil
	}
	return nil, fmt.Errorf("no canonical form for %T", v)
}

func canonicalMap(m map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, e := range m {
		c, err := toCanonical(e)
		if err != nil {
			return nil, err
		}
		out[k] = c
	}
	return out, nil
}

func canonicalNode(n graphrpc.Node) (map[string]any, error) {
	props, err := canonicalMap(n.Props)
	labels := []any{}
	sorted := slices.Clone(n.Labels)
	slices.Sort(sorted)
	for _, l := range sorted {
		labels = append(labels, l)
	}
	return map[string]any{"labels": labels, "properties": props}, err
}

// canonicalEqual compares two canonical values: numbers as doubles, all else exactly.
func canonicalEqual(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fx, err1 := x.Float64()
		fy, err2 := y.Float64()
		return err1 == nil && err2 == nil && fx == fy
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !canonicalEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !canonicalEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}
