package graphrpc

import (
	"fmt"
	"time"
)

// Node is a graph node read from a result. Nodes can be returned, not sent as parameters.
type Node struct {
	ID        int64
	ElementID string
	Labels    []string
	Props     map[string]any
}

// Relationship is a graph relationship read from a result. StartID/EndID carry its real
// direction.
type Relationship struct {
	ID             int64
	ElementID      string
	StartID        int64
	StartElementID string
	EndID          int64
	EndElementID   string
	Type           string
	Props          map[string]any
}

// Path alternates Nodes[0], Relationships[0], Nodes[1], ..., Nodes[len(Relationships)].
type Path struct {
	Nodes         []Node
	Relationships []Relationship
}

// Point is a spatial point. SRID 7203 (cartesian) and 4326 (WGS-84) are 2D; 9157 and 4979
// are 3D and need HasZ.
type Point struct {
	SRID int32
	X, Y float64
	Z    float64
	HasZ bool
}

// Duration is a Cypher duration. Its four parts are kept apart, as Cypher keeps them: a
// month is not a fixed number of days, nor a day a fixed number of seconds.
type Duration struct {
	Months  int64
	Days    int64
	Seconds int64
	Nanos   int32
}

func (d Duration) String() string {
	return fmt.Sprintf("P%dM%dDT%d.%09dS", d.Months, d.Days, d.Seconds, d.Nanos)
}

// Date is a calendar date without a time or a zone (Cypher DATE).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t, in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// In returns midnight of the date in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d Date) String() string { return d.In(time.UTC).Format("2006-01-02") }

func (d Date) epochDays() int64 { return floorDiv(d.In(time.UTC).Unix(), secondsPerDay) }

func dateFromEpochDays(days int64) Date { return DateOf(time.Unix(days*secondsPerDay, 0).UTC()) }

// LocalTime is a time of day without a zone (Cypher LOCAL TIME).
type LocalTime struct {
	Hour, Minute, Second, Nanosecond int
}

func (t LocalTime) nanosOfDay() int64 {
	return ((int64(t.Hour)*60+int64(t.Minute))*60+int64(t.Second))*int64(time.Second) + int64(t.Nanosecond)
}

func localTimeFromNanos(n int64) LocalTime {
	sec := n / int64(time.Second)
	return LocalTime{Hour: int(sec / 3600), Minute: int(sec / 60 % 60), Second: int(sec % 60), Nanosecond: int(n % int64(time.Second))}
}

func (t LocalTime) String() string {
	return fmt.Sprintf("%02d:%02d:%02d.%09d", t.Hour, t.Minute, t.Second, t.Nanosecond)
}

// OffsetTime is a time of day with a UTC offset in seconds (Cypher TIME / ZONED TIME).
type OffsetTime struct {
	LocalTime
	OffsetSeconds int32
}

// LocalDateTime is a date and wall-clock time without a zone (Cypher LOCAL DATETIME).
type LocalDateTime struct {
	Date
	LocalTime
}

// LocalDateTimeOf returns t's wall clock in t's location, without the location.
func LocalDateTimeOf(t time.Time) LocalDateTime {
	return LocalDateTime{DateOf(t), LocalTime{t.Hour(), t.Minute(), t.Second(), t.Nanosecond()}}
}

// In returns the wall-clock time in loc (the zone's rules resolve gaps and overlaps).
func (l LocalDateTime) In(loc *time.Location) time.Time {
	return time.Date(l.Year, l.Month, l.Day, l.Hour, l.Minute, l.Second, l.Nanosecond, loc)
}

func (l LocalDateTime) String() string { return l.Date.String() + "T" + l.LocalTime.String() }

const secondsPerDay = 86400

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// ZonedDateTime is a wall-clock time in a named zone, for the zoned datetimes a time.Time
// cannot hold: a wall clock that its zone skips (a DST gap; Neo4j moves such a time forward,
// but another database may keep it as given) or a zone id Go's zone database does not know.
// Every other zoned datetime reads as a time.Time in its *time.Location.
type ZonedDateTime struct {
	LocalDateTime
	Zone string
}

func (z ZonedDateTime) String() string { return z.LocalDateTime.String() + "[" + z.Zone + "]" }
