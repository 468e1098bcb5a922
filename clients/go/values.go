package graphrpc

// The one place where Go values and graphrpc.v1.Value convert into each other.

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"sync"
	"time"
	_ "time/tzdata" // zone ids from the server resolve without the host's zoneinfo

	pb "github.com/graphrpc/graphrpc/clients/go/graphrpc/v1"
)

// ToValue converts a Go value into a graphrpc Value. Supported: nil, bool, every int and
// uint type (a uint above MaxInt64 is an error), float32/64, string, []byte, slices and
// arrays, maps with string keys, pointers (nil is null), time.Time (a named location such
// as time.LoadLocation("Europe/Paris") gives a datetime with that zone id; UTC, Local and
// unnamed fixed zones give a datetime with an offset), Date, LocalTime, OffsetTime,
// LocalDateTime, ZonedDateTime, Duration, Point and *pb.Value as is.
func ToValue(v any) (*pb.Value, error) { return toValue("value", v, 0) }

// maxDepth stops a self-referencing value from recursing forever.
const maxDepth = 200

func toValue(path string, v any, depth int) (*pb.Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%s: nested deeper than %d levels", path, maxDepth)
	}
	switch x := v.(type) {
	case nil:
		return &pb.Value{Kind: &pb.Value_Null{}}, nil
	case *pb.Value:
		if x == nil {
			return &pb.Value{Kind: &pb.Value_Null{}}, nil
		}
		return x, nil
	case bool:
		return &pb.Value{Kind: &pb.Value_Boolean{Boolean: x}}, nil
	case int:
		return intValue(int64(x)), nil
	case int8:
		return intValue(int64(x)), nil
	case int16:
		return intValue(int64(x)), nil
	case int32:
		return intValue(int64(x)), nil
	case int64:
		return intValue(x), nil
	case uint8:
		return intValue(int64(x)), nil
	case uint16:
		return intValue(int64(x)), nil
	case uint32:
		return intValue(int64(x)), nil
	case uint:
		return uintValue(path, uint64(x))
	case uint64:
		return uintValue(path, x)
	case float32:
		return &pb.Value{Kind: &pb.Value_Float{Float: float64(x)}}, nil
	case float64:
		return &pb.Value{Kind: &pb.Value_Float{Float: x}}, nil
	case string:
		return &pb.Value{Kind: &pb.Value_String_{String_: x}}, nil
	case []byte:
		return &pb.Value{Kind: &pb.Value_Bytes{Bytes: x}}, nil
	case time.Time:
		return timeValue(x), nil
	case Date:
		return &pb.Value{Kind: &pb.Value_Date{Date: &pb.Date{Days: x.epochDays()}}}, nil
	case LocalTime:
		return &pb.Value{Kind: &pb.Value_LocalTime{LocalTime: &pb.LocalTime{NanosOfDay: x.nanosOfDay()}}}, nil
	case OffsetTime:
		return &pb.Value{Kind: &pb.Value_Time{Time: &pb.Time{NanosOfDay: x.nanosOfDay(), OffsetSeconds: x.OffsetSeconds}}}, nil
	case LocalDateTime:
		t := x.In(time.UTC)
		return &pb.Value{Kind: &pb.Value_LocalDateTime{LocalDateTime: &pb.LocalDateTime{EpochSeconds: t.Unix(), Nanos: int32(t.Nanosecond())}}}, nil
	case ZonedDateTime:
		t := x.In(time.UTC)
		return &pb.Value{Kind: &pb.Value_DateTimeZoneId{DateTimeZoneId: &pb.DateTimeZoneId{
			LocalSeconds: t.Unix(), Nanos: int32(t.Nanosecond()), ZoneId: x.Zone}}}, nil
	case Duration:
		return &pb.Value{Kind: &pb.Value_Duration{Duration: &pb.Duration{Months: x.Months, Days: x.Days, Seconds: x.Seconds, Nanos: x.Nanos}}}, nil
	case Point:
		p := &pb.Point{Srid: x.SRID, X: x.X, Y: x.Y}
		if x.HasZ {
			p.Z = &x.Z
		}
		return &pb.Value{Kind: &pb.Value_Point{Point: p}}, nil
	case Node, Relationship, Path, *Node, *Relationship, *Path:
		return nil, fmt.Errorf("%s: a %T can be read from a result but not sent as a parameter", path, v)
	case []any:
		return listValue(path, len(x), func(i int) any { return x[i] }, depth)
	case map[string]any:
		return mapValue(path, x, depth)
	}
	return reflectValue(path, reflect.ValueOf(v), depth)
}

func intValue(i int64) *pb.Value { return &pb.Value{Kind: &pb.Value_Integer{Integer: i}} }

func uintValue(path string, u uint64) (*pb.Value, error) {
	if u > math.MaxInt64 {
		return nil, fmt.Errorf("%s: %d does not fit in a Cypher INTEGER (signed 64-bit)", path, u)
	}
	return intValue(int64(u)), nil
}

// timeValue keeps the zone: a named location travels as its zone id; time.UTC, time.Local
// and unnamed fixed zones as an offset.
func timeValue(t time.Time) *pb.Value {
	loc := t.Location()
	if name := loc.String(); loc != time.UTC && loc != time.Local && name != "" {
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
		return &pb.Value{Kind: &pb.Value_DateTimeZoneId{DateTimeZoneId: &pb.DateTimeZoneId{
			LocalSeconds: wall.Unix(), Nanos: int32(t.Nanosecond()), ZoneId: loc.String()}}}
	}
	_, offset := t.Zone()
	return &pb.Value{Kind: &pb.Value_DateTime{DateTime: &pb.DateTime{
		EpochSeconds: t.Unix(), Nanos: int32(t.Nanosecond()), OffsetSeconds: int32(offset)}}}
}

func listValue(path string, n int, at func(int) any, depth int) (*pb.Value, error) {
	values := make([]*pb.Value, n)
	for i := range n {
		v, err := toValue(fmt.Sprintf("%s[%d]", path, i), at(i), depth+1)
		if err != nil {
			return nil, err
		}
		values[i] = v
	}
	return &pb.Value{Kind: &pb.Value_List{List: &pb.ListValue{Values: values}}}, nil
}

func mapValue(path string, m map[string]any, depth int) (*pb.Value, error) {
	entries, err := toValues(path, m, depth+1)
	if err != nil {
		return nil, err
	}
	return &pb.Value{Kind: &pb.Value_Map{Map: &pb.MapValue{Entries: entries}}}, nil
}

// toValues converts a parameter map; errors name the entry as path.key.
func toValues(path string, m map[string]any, depth int) (map[string]*pb.Value, error) {
	if len(m) == 0 {
		return nil, nil
	}
	// Sorted so that the first error reported is the same on every run.
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make(map[string]*pb.Value, len(m))
	for _, k := range keys {
		v, err := toValue(path+"."+k, m[k], depth)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// reflectValue covers typed slices, arrays, maps and pointers ([]string, map[string]int, ...).
func reflectValue(path string, rv reflect.Value, depth int) (*pb.Value, error) {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return &pb.Value{Kind: &pb.Value_Null{}}, nil
		}
		return toValue(path, rv.Elem().Interface(), depth+1)
	case reflect.Slice:
		if rv.IsNil() {
			return &pb.Value{Kind: &pb.Value_Null{}}, nil
		}
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return &pb.Value{Kind: &pb.Value_Bytes{Bytes: rv.Bytes()}}, nil
		}
		return listValue(path, rv.Len(), func(i int) any { return rv.Index(i).Interface() }, depth)
	case reflect.Array:
		return listValue(path, rv.Len(), func(i int) any { return rv.Index(i).Interface() }, depth)
	case reflect.Map:
		if rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%s: a map's keys must be strings, not %s", path, rv.Type().Key())
		}
		if rv.IsNil() {
			return &pb.Value{Kind: &pb.Value_Null{}}, nil
		}
		m := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			m[it.Key().String()] = it.Value().Interface()
		}
		return mapValue(path, m, depth)
	case reflect.Bool:
		return toValue(path, rv.Bool(), depth)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intValue(rv.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return uintValue(path, rv.Uint())
	case reflect.Float32, reflect.Float64:
		return toValue(path, rv.Float(), depth)
	case reflect.String:
		return toValue(path, rv.String(), depth)
	}
	return nil, fmt.Errorf("%s: a %s cannot be sent; use a bool, number, string, []byte, slice, map[string]..., time.Time or a graphrpc temporal, Duration or Point", path, rv.Type())
}

// FromValue converts a graphrpc Value into its Go form: nil, bool, int64, float64, string,
// []byte, []any, map[string]any, Node, Relationship, Path, Date, OffsetTime, LocalTime,
// time.Time (DateTime: a fixed offset, UTC for 0; DateTimeZoneId: the named zone),
// LocalDateTime, Duration or Point; a zoned datetime that time.Time cannot hold is a
// ZonedDateTime. A Value with no kind set is nil.
func FromValue(v *pb.Value) (any, error) {
	switch k := v.GetKind().(type) {
	case nil, *pb.Value_Null:
		return nil, nil
	case *pb.Value_Boolean:
		return k.Boolean, nil
	case *pb.Value_Integer:
		return k.Integer, nil
	case *pb.Value_Float:
		return k.Float, nil
	case *pb.Value_String_:
		return k.String_, nil
	case *pb.Value_Bytes:
		return k.Bytes, nil
	case *pb.Value_List:
		out := make([]any, len(k.List.GetValues()))
		for i, e := range k.List.GetValues() {
			x, err := FromValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case *pb.Value_Map:
		return fromValues(k.Map.GetEntries())
	case *pb.Value_Node:
		return nodeFrom(k.Node)
	case *pb.Value_Relationship:
		return relationshipFrom(k.Relationship)
	case *pb.Value_Path:
		return pathFrom(k.Path)
	case *pb.Value_Date:
		return dateFromEpochDays(k.Date.GetDays()), nil
	case *pb.Value_Time:
		return OffsetTime{localTimeFromNanos(k.Time.GetNanosOfDay()), k.Time.GetOffsetSeconds()}, nil
	case *pb.Value_LocalTime:
		return localTimeFromNanos(k.LocalTime.GetNanosOfDay()), nil
	case *pb.Value_DateTime:
		d := k.DateTime
		t := time.Unix(d.GetEpochSeconds(), int64(d.GetNanos()))
		if d.GetOffsetSeconds() == 0 {
			return t.UTC(), nil
		}
		return t.In(time.FixedZone("", int(d.GetOffsetSeconds()))), nil
	case *pb.Value_DateTimeZoneId:
		d := k.DateTimeZoneId
		wall := LocalDateTimeOf(time.Unix(d.GetLocalSeconds(), int64(d.GetNanos())).UTC())
		loc, ok := location(d.GetZoneId())
		if !ok {
			return ZonedDateTime{wall, d.GetZoneId()}, nil
		}
		t := wall.In(loc)
		if LocalDateTimeOf(t) != wall { // a wall clock the zone skips: keep it as given
			return ZonedDateTime{wall, d.GetZoneId()}, nil
		}
		return t, nil
	case *pb.Value_LocalDateTime:
		d := k.LocalDateTime
		return LocalDateTimeOf(time.Unix(d.GetEpochSeconds(), int64(d.GetNanos())).UTC()), nil
	case *pb.Value_Duration:
		d := k.Duration
		return Duration{d.GetMonths(), d.GetDays(), d.GetSeconds(), d.GetNanos()}, nil
	case *pb.Value_Point:
		p := k.Point
		return Point{SRID: p.GetSrid(), X: p.GetX(), Y: p.GetY(), Z: p.GetZ(), HasZ: p.Z != nil}, nil
	}
	return nil, fmt.Errorf("graphrpc: a value of an unknown kind %T (a newer server?)", v.GetKind())
}

func fromValues(m map[string]*pb.Value) (map[string]any, error) {
	out := make(map[string]any, len(m))
	for key, e := range m {
		x, err := FromValue(e)
		if err != nil {
			return nil, err
		}
		out[key] = x
	}
	return out, nil
}

func nodeFrom(n *pb.Node) (Node, error) {
	props, err := fromValues(n.GetProperties())
	return Node{ID: n.GetId(), ElementID: n.GetElementId(), Labels: n.GetLabels(), Props: props}, err
}

func relationshipFrom(r *pb.Relationship) (Relationship, error) {
	props, err := fromValues(r.GetProperties())
	return Relationship{ID: r.GetId(), ElementID: r.GetElementId(), StartID: r.GetStartNodeId(),
		StartElementID: r.GetStartNodeElementId(), EndID: r.GetEndNodeId(),
		EndElementID: r.GetEndNodeElementId(), Type: r.GetType(), Props: props}, err
}

func pathFrom(p *pb.Path) (Path, error) {
	out := Path{Nodes: make([]Node, len(p.GetNodes())), Relationships: make([]Relationship, len(p.GetRelationships()))}
	for i, n := range p.GetNodes() {
		x, err := nodeFrom(n)
		if err != nil {
			return Path{}, err
		}
		out.Nodes[i] = x
	}
	for i, r := range p.GetRelationships() {
		x, err := relationshipFrom(r)
		if err != nil {
			return Path{}, err
		}
		out.Relationships[i] = x
	}
	return out, nil
}

// locations caches time.LoadLocation, which reads the zone database on every call.
var locations sync.Map

// location resolves a zone id. "UTC" gets a location of that name other than time.UTC,
// so that it travels back as the zone id, not as an offset.
func location(zone string) (*time.Location, bool) {
	if l, ok := locations.Load(zone); ok {
		return l.(*time.Location), true
	}
	l, err := time.LoadLocation(zone)
	if err != nil || zone == "" || zone == "Local" {
		return nil, false
	}
	if l == time.UTC {
		l = time.FixedZone(zone, 0)
	}
	locations.Store(zone, l)
	return l, true
}
