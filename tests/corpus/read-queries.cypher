// Read-only statements every reader may run: one per paragraph (blank lines separate them).
// Written from the Cypher manual's read clauses (MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND,
// RETURN, ORDER BY, SKIP, LIMIT, UNION, CALL subqueries, EXISTS/COUNT/COLLECT subqueries,
// expressions and functions, the allow-listed procedures) and deploy/local/catalog.yaml.
MATCH (n) RETURN n

MATCH (movie:Movie) RETURN movie.title

MATCH (director {name: 'Oliver Stone'})--(movie) RETURN movie.title

MATCH (:Person {name: 'Oliver Stone'})--(movie:Movie) RETURN movie.title

MATCH (:Person {name: 'Oliver Stone'})-->(movie) RETURN movie.title

MATCH (:Person {name: 'Oliver Stone'})-[r]->() RETURN type(r) AS relType

MATCH (wallstreet:Movie {title: 'Wall Street'})<-[:ACTED_IN]-(actor) RETURN actor.name

MATCH (wallstreet {title: 'Wall Street'})<-[:ACTED_IN|DIRECTED]-(person) RETURN person.name

MATCH (wallstreet {title: 'Wall Street'})<-[r:ACTED_IN]-(actor) RETURN r.role

MATCH (n:Movie|Person) RETURN n.name AS name, n.title AS title

MATCH (n:!Movie) RETURN labels(n) AS label, count(n) AS labelCount

MATCH (n:Person&Director) RETURN n.name

MATCH (n:%) RETURN count(n)

MATCH (charlie {name: 'Charlie Sheen'})-[:ACTED_IN]->(movie)<-[:DIRECTED]-(director) RETURN movie.title, director.name

MATCH (a)-[:KNOWS*1..3]->(b) RETURN a.name, b.name

MATCH (a:Person)-[:KNOWS*]->(b) WHERE a.name = 'Alice' RETURN DISTINCT b.name

MATCH (a)-[:KNOWS*2]->(b) RETURN b

MATCH p = (a)-[:KNOWS*..5]->(b) RETURN length(p), nodes(p), relationships(p)

MATCH p = ((a:Station)-[:LINK]->(b:Station)){1,3} RETURN p

MATCH (a:Station {name: 'Denmark Hill'})((x)-[:CALLS_AT]->(y)){2,} (b:Station) RETURN b.name

MATCH (:Station {name: 'Peckham Rye'})-[:LINK]-+(s:Station) RETURN DISTINCT s.name

MATCH p = shortestPath((a:Person {name: 'Alice'})-[*]-(b:Person {name: 'Bob'})) RETURN p

MATCH p = allShortestPaths((a:Person)-[:KNOWS*]-(b:Person)) WHERE a.name = $from AND b.name = $to RETURN p

MATCH p = SHORTEST 1 (a:Station {name: 'A'})-[:LINK]-+(b:Station {name: 'B'}) RETURN length(p)

MATCH p = ALL SHORTEST (a:Station)-[:LINK]-+(b:Station) RETURN p

MATCH p = SHORTEST 2 GROUPS (a)-[:LINK]-+(b) RETURN p

MATCH p = ANY SHORTEST (a)-[:LINK]-+(b) WHERE a.name = 'x' RETURN p

MATCH REPEATABLE ELEMENTS p = (a)-[:R]->{,4}(b) RETURN count(p)

MATCH DIFFERENT RELATIONSHIPS (a)-[r]->(b) RETURN r

MATCH (n WHERE n.age > 30) RETURN n.name

MATCH (a)-[r:KNOWS WHERE r.since < 2000]->(b) RETURN a, b

MATCH (n:Person) WHERE n.name STARTS WITH 'Pet' RETURN n.name, n.age

MATCH (n:Person) WHERE n.name ENDS WITH 'ter' RETURN n.name, n.age

MATCH (n:Person) WHERE n.name CONTAINS 'ete' RETURN n.name, n.age

MATCH (n:Person) WHERE NOT n.name ENDS WITH 'y' RETURN n.name, n.age

MATCH (n:Person) WHERE n.name =~ 'Tim.*' RETURN n.name, n.age

MATCH (n:Person) WHERE n.email =~ '.*\\.com' RETURN n.name

MATCH (n:Person) WHERE n.name = 'Peter' XOR (n.age < 30 AND n.name = 'Timothy') OR NOT (n.name = 'Timothy' OR n.name = 'Peter') RETURN n.name AS name, n.age AS age ORDER BY name

MATCH (n:Person) WHERE n:Swedish RETURN n.name, n.age

MATCH (n:Person) WHERE n.belt IS NOT NULL RETURN n.name, n.belt

MATCH (n:Person) WHERE n.belt IS NULL RETURN n.name

MATCH (n:Person) WHERE n.age IS :: INTEGER RETURN n.name

MATCH (n:Person) WHERE n.age IS :: INTEGER NOT NULL RETURN n.name

MATCH (n:Person) WHERE n.name IS NOT :: STRING RETURN n

MATCH (n) WHERE n.name IS NFC NORMALIZED RETURN n.name

MATCH (n:Person) WHERE 21 < n.age <= 30 RETURN n.name, n.age

MATCH (a:Person {name: 'Andy'}), (b:Person) WHERE a.age > b.age RETURN b.name

MATCH (person:Person)-[r]->(friend) WHERE type(r) STARTS WITH 'K' RETURN person.name, friend.name, type(r), r.since

MATCH (a:Person) WHERE a.name IN ['Peter', 'Timothy'] RETURN a.name, a.age

MATCH (n) WHERE n.name = $name RETURN n

MATCH (n:Person) WHERE id(n) = 0 RETURN n

MATCH (n) WHERE elementId(n) = $id RETURN n

MATCH (timothy:Person {name: 'Timothy'}), (other:Person) WHERE other.name IN ['Andy', 'Peter'] AND (other)-->(timothy) RETURN other.name, other.age

MATCH (peter:Person {name: 'Peter'}), (other:Person) WHERE NOT (other)-->(peter) RETURN other.name

MATCH (other:Person) WHERE (other)-[:KNOWS]-({name: 'Timothy'}) RETURN other.name, other.age

MATCH (person:Person) WHERE EXISTS { (person)-[:HAS_DOG]->(:Dog) } RETURN person.name AS name

MATCH (person:Person) WHERE EXISTS { MATCH (person)-[:HAS_DOG]->(dog:Dog) WHERE person.name = dog.name } RETURN person.name AS name

MATCH (person:Person) WHERE EXISTS { MATCH (person)-[:HAS_DOG]->(dog:Dog) WHERE EXISTS { MATCH (dog)-[:HAS_TOY]->(toy:Toy) WHERE toy.name = 'Banana' } } RETURN person.name AS name

MATCH (person:Person) WHERE EXISTS { MATCH (person)-[:HAS_DOG]->(:Dog) UNION MATCH (person)-[:HAS_CAT]->(:Cat) } RETURN person.name AS name

MATCH (person:Person) RETURN person.name AS name, EXISTS { MATCH (person)-[:HAS_DOG]->(:Dog) } AS hasDog

MATCH (person:Person) WHERE COUNT { (person)-[:HAS_DOG]->(:Dog) } > 1 RETURN person.name AS name

MATCH (person:Person) WHERE COUNT { (person)-[:HAS_DOG]->(dog:Dog) WHERE person.name = dog.name } = 1 RETURN person.name AS name

MATCH (person:Person) RETURN person.name, COUNT { (person)-[:HAS_DOG]->(:Dog) } AS howManyDogs

MATCH (person:Person) RETURN CASE WHEN COUNT { (person)-[:HAS_DOG]->(:Dog) } > 1 THEN 'Doglover ' + person.name ELSE person.name END AS result

MATCH (person:Person) RETURN person.name AS name, COUNT { MATCH (person)-[:HAS_DOG]->(dog:Dog) RETURN dog.name AS petName UNION MATCH (person)-[:HAS_CAT]->(cat:Cat) RETURN cat.name AS petName } AS numPets

MATCH (person:Person) WHERE 'Ozzy' IN COLLECT { MATCH (person)-[:HAS_DOG]->(dog:Dog) RETURN dog.name } RETURN person.name AS name

MATCH (person:Person) RETURN person.name, COLLECT { MATCH (person)-[:HAS_DOG]->(dog:Dog) RETURN dog.name ORDER BY dog.name } AS dogNames

MATCH (person:Person) RETURN person.name, COLLECT { MATCH (person)-[r:HAS_DOG]->(dog:Dog) WHERE r.since > 2017 RETURN dog.name } AS youngDogs

MATCH (person:Person) RETURN person { .name, .age, dogs: COLLECT { MATCH (person)-[:HAS_DOG]->(d:Dog) RETURN d.name } } AS summary

MATCH (a:Person) OPTIONAL MATCH (a)-[r:KNOWS]->(b) RETURN a.name, b.name

MATCH (a:Movie {title: 'Wall Street'}) OPTIONAL MATCH (a)-->(x) RETURN x

MATCH (a:Movie {title: 'Wall Street'}) OPTIONAL MATCH (a)-->(x) RETURN x, x.name

MATCH (a:Movie {title: 'Wall Street'}) OPTIONAL MATCH (a)-[r:ACTS_IN]->() RETURN a.title, r

OPTIONAL MATCH (n:Unknown) RETURN n

MATCH (p:Person) OPTIONAL MATCH (p)-[:DIRECTED]->(m:Movie) WITH p, collect(m.title) AS directed RETURN p.name, directed

MATCH (n {name: 'B'}) RETURN n

MATCH (n {name: 'A'})-[r]->(c) RETURN r

MATCH (n {name: 'A'}) RETURN n.name

MATCH (`This isn't a common variable`) WHERE `This isn't a common variable`.name = 'A' RETURN `This isn't a common variable`.happy

MATCH (a {name: 'A'}) RETURN a.age AS SomethingTotallyDifferent

MATCH (a {name: 'A'}) RETURN a.age > 30, "I'm a literal", (a)-->()

MATCH (a {name: 'A'})-->(b) RETURN DISTINCT b

MATCH (n) RETURN *

MATCH p = (a {name: 'A'})-[r]->(b) RETURN *

MATCH (n) RETURN n.name ORDER BY n.name

MATCH (n) RETURN n.name, n.age ORDER BY n.age, n.name

MATCH (n) RETURN n.name, n.age ORDER BY n.name DESC

MATCH (n) RETURN n.name, n.age ORDER BY n.length

MATCH (n) WITH n ORDER BY n.age DESC LIMIT 3 RETURN collect(n.name) AS names

MATCH (n) RETURN n.name ORDER BY n.name SKIP 3

MATCH (n) RETURN n.name ORDER BY n.name SKIP 1 LIMIT 2

MATCH (n) RETURN n.name ORDER BY n.name SKIP 1 + toInteger(3*rand())

MATCH (n) RETURN n.name ORDER BY n.name LIMIT 3

MATCH (n) RETURN n.name ORDER BY n.name OFFSET 2 LIMIT 2

MATCH (n) RETURN n.name ORDER BY n.name ASCENDING

MATCH (n) RETURN n.name ORDER BY n.name DESCENDING LIMIT toInteger(3 * rand()) + 1

MATCH (n) ORDER BY n.name RETURN collect(n.name) AS names

MATCH (n) RETURN n ORDER BY n.age DESC SKIP 1 LIMIT 1

MATCH (n:Person) WITH n ORDER BY n.name WHERE n.age > 20 RETURN n.name

MATCH (george {name: 'George'})<--(otherPerson) WITH otherPerson, toUpper(otherPerson.name) AS upperCaseName WHERE upperCaseName STARTS WITH 'C' RETURN otherPerson.name

MATCH (person {name: 'David'})--(otherPerson)-->() WITH otherPerson, count(*) AS foaf WHERE foaf > 1 RETURN otherPerson.name

MATCH (n) WITH n ORDER BY n.name DESC LIMIT 3 RETURN collect(n.name)

MATCH (n {name: 'Anders'})--(m) WITH m ORDER BY m.name DESC LIMIT 1 MATCH (m)--(o) RETURN o.name

MATCH (n) WITH n.name AS name, n.age AS age WHERE age > 20 RETURN name

WITH 1 AS x RETURN x

WITH [1, 2, 3] AS list RETURN size(list)

WITH *, 1 AS one MATCH (n) RETURN n, one

MATCH (a)-[r]->(b) WITH a, r, b WITH * RETURN a, b

WITH 'Hello' AS greeting, $name AS name RETURN greeting + ' ' + name AS message

UNWIND [1, 2, 3, null] AS x RETURN x, 'val' AS y

WITH [1, 1, 2, 2] AS coll UNWIND coll AS x WITH DISTINCT x RETURN collect(x) AS setOfVals

WITH [1, 2] AS a, [3, 4] AS b UNWIND (a + b) AS x RETURN x

WITH [[1, 2], [3, 4], 5] AS nested UNWIND nested AS x UNWIND x AS y RETURN y

UNWIND [] AS empty RETURN empty, 'literal_that_is_not_returned'

UNWIND null AS x RETURN x, 'some_literal'

UNWIND $events AS event MATCH (y:Year {year: event.year}) RETURN y, event

UNWIND range(1, 10) AS i RETURN i, i * i AS square

UNWIND ['a', 'b'] AS letter WITH letter WHERE letter <> 'a' RETURN letter

MATCH (n:Actor) RETURN n.name AS name UNION ALL MATCH (n:Movie) RETURN n.title AS name

MATCH (n:Actor) RETURN n.name AS name UNION MATCH (n:Movie) RETURN n.title AS name

MATCH (n:Actor) RETURN n.name AS name UNION DISTINCT MATCH (n:Movie) RETURN n.title AS name

CALL { MATCH (p:Person) RETURN p ORDER BY p.age ASC LIMIT 1 UNION MATCH (p:Person) RETURN p ORDER BY p.age DESC LIMIT 1 } RETURN p.name, p.age ORDER BY p.name

UNWIND [0, 1, 2] AS x CALL { RETURN 'hello' AS innerReturn } RETURN innerReturn

UNWIND [0, 1, 2] AS x CALL { WITH x RETURN x * 10 AS y } RETURN x, y

UNWIND [0, 1, 2] AS x CALL (x) { RETURN x * 10 AS y } RETURN x, y

MATCH (t:Team) CALL (t) { MATCH (p:Player)-[:PLAYS_FOR]->(t) RETURN collect(p) AS players } RETURN t AS team, players

MATCH (t:Team) CALL () { MATCH (p:Player) RETURN count(p) AS totalPlayers } RETURN count(t) AS totalTeams, totalPlayers

MATCH (t:Team) CALL (*) { WITH 1 AS one RETURN t.name AS name } RETURN name

MATCH (p:Person) CALL { WITH p OPTIONAL MATCH (p)-[:HAS_DOG]->(d:Dog) RETURN d.name AS dogName } RETURN p.name, dogName

MATCH (p:Person) OPTIONAL CALL (p) { MATCH (p)-[:OWNS]->(c:Car) RETURN c } RETURN p.name, c

CALL { MATCH (p:Person) RETURN sum(p.age) AS totalAge } RETURN totalAge

MATCH (p:Person) CALL { WITH p MATCH (p)-[:FRIEND_OF]->(f) RETURN count(f) AS friends } RETURN p.name, friends ORDER BY friends DESC

CALL db.labels()

CALL db.labels() YIELD label RETURN label

CALL db.labels() YIELD label WHERE label CONTAINS 'User' RETURN count(label) AS numLabels

CALL db.labels() YIELD * RETURN *

CALL db.labels

CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType ORDER BY relationshipType

CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey

CALL db.schema.visualization()

CALL db.schema.nodeTypeProperties() YIELD nodeType, propertyName RETURN nodeType, propertyName

CALL db.schema.relTypeProperties()

CALL dbms.components() YIELD name, versions, edition UNWIND versions AS version RETURN name, version, edition

CALL `db`.`labels`() YIELD label RETURN label

MATCH (n) CALL db.labels() YIELD label RETURN count(n), collect(label)

CALL db.index.fulltext.queryNodes('titles', 'matrix') YIELD node, score RETURN node.title, score

RETURN 1

RETURN 1 + 2 AS three

RETURN 'hello' AS greeting

RETURN $value AS value

RETURN [1, 2, 3] AS list

RETURN {name: 'Alice', age: 42} AS map

RETURN {create: 1, delete: 2, set: 3, merge: 4, remove: 5, match: 6} AS keywordsAsKeys

RETURN {`CREATE`: true} AS quotedKey

RETURN 'CREATE (n:Evil)' AS notAClause

RETURN "MATCH (n) DETACH DELETE n" AS stillNotAClause

RETURN 1 AS one // CREATE (n) in a comment

RETURN /* DELETE everything */ 2 AS two

RETURN true AND false OR NOT true AS logic

RETURN 2 ^ 10 AS power, 10 % 3 AS modulo, 7 / 2 AS division

RETURN 1.5e3 AS big, 0x1F AS hex, 0o17 AS octal, -42 AS negative

RETURN null IS NULL AS isNull

RETURN 'a' + 'b' AS concat, 'a' || 'b' AS concat2

RETURN [x IN range(0, 10) WHERE x % 2 = 0 | x ^ 3] AS result

RETURN [x IN range(0, 10) WHERE x % 2 = 0] AS result

RETURN [x IN range(0, 10) | x ^ 3] AS result

MATCH (a:Person {name: 'Keanu Reeves'}) RETURN [(a)-->(b:Movie) WHERE b.title CONTAINS 'Matrix' | b.released] AS years

MATCH (a:Person) RETURN [(a)-[:KNOWS]->(f) | f.name] AS friends

RETURN range(0, 10)[3] AS element, range(0, 10)[-3] AS fromEnd, range(0, 10)[0..3] AS slice

RETURN range(0, 10)[..4] AS head, range(0, 10)[-5..] AS tail

RETURN size([1, 2, 3]) AS n, head([1, 2]) AS h, last([1, 2]) AS l, tail([1, 2, 3]) AS t

RETURN reduce(total = 0, n IN [1, 2, 3] | total + n) AS sum

RETURN all(x IN [1, 2, 3] WHERE x > 0) AS allPositive, any(x IN [1, -2] WHERE x < 0) AS someNegative

RETURN none(x IN [1, 2] WHERE x > 5) AS noneBig, single(x IN [1, 2] WHERE x = 2) AS exactlyOne

RETURN coalesce(null, 'fallback') AS value

RETURN toUpper('hello'), toLower('HELLO'), trim('  x  '), ltrim('  x'), rtrim('x  ')

RETURN replace('hello', 'l', 'w'), substring('hello', 1, 3), left('hello', 2), right('hello', 2)

RETURN split('one,two', ',') AS parts, reverse('abc') AS rev, toString(42) AS str

RETURN toInteger('42'), toFloat('4.2'), toBoolean('true'), toIntegerOrNull('x')

RETURN abs(-3), ceil(0.1), floor(0.9), round(3.141592, 3), sign(-17), rand() < 1

RETURN sqrt(256), exp(2), log(27), log10(27), e(), pi()

RETURN sin(0.5), cos(0.5), tan(0.5), atan2(0.5, 0.6), degrees(pi()), radians(180)

RETURN date() AS today, datetime() AS now, localtime() AS lt, time() AS t

RETURN date('2015-07-21') AS d, date({year: 1984, month: 10, day: 11}) AS d2

RETURN datetime('2015-07-21T21:40:32.142+0100') AS dt

RETURN datetime({year: 1984, month: 10, day: 11, hour: 12, timezone: 'Europe/Stockholm'}) AS dt

RETURN duration('P14DT16H12M') AS d, duration({days: 14, hours: 16}) AS d2

RETURN duration.between(date('1984-10-11'), date('2015-06-24')) AS theDuration

RETURN duration.inDays(date('1984-10-11'), date('2015-06-24')) AS days

RETURN date.truncate('month', date('2019-10-01')) AS truncated

RETURN datetime.fromepoch(1683000000, 0) AS fromEpoch

RETURN date('2020-01-01') + duration('P1M') AS nextMonth

RETURN localdatetime('2015-07-21T21:40:32.142') AS ldt, localtime('21:40:32') AS lt

RETURN point({x: 2.3, y: 4.5}) AS cartesian, point({latitude: 55.6, longitude: 12.9}) AS geo

RETURN point.distance(point({x: 0, y: 0}), point({x: 3, y: 4})) AS dist

RETURN point.withinBBox(point({x: 1, y: 1}), point({x: 0, y: 0}), point({x: 2, y: 2})) AS inside

MATCH (t:TrainStation)-[:TRAVEL_ROUTE]->(o:Office) WITH point({longitude: t.longitude, latitude: t.latitude}) AS trainPoint, point({longitude: o.longitude, latitude: o.latitude}) AS officePoint RETURN round(point.distance(trainPoint, officePoint)) AS travelDistance

RETURN vector.similarity.cosine([1.0, 2.0], [2.0, 4.0]) AS similarity

MATCH (n:Person) RETURN count(*) AS total, count(n.email) AS withEmail

MATCH (n:Person) RETURN avg(n.age), min(n.age), max(n.age), sum(n.age)

MATCH (n:Person) RETURN collect(n.name) AS names, collect(DISTINCT n.city) AS cities

MATCH (n:Person) RETURN percentileCont(n.age, 0.4), percentileDisc(n.age, 0.5), stDev(n.age), stDevP(n.age)

MATCH (n:Person) RETURN n.city AS city, count(*) AS people ORDER BY people DESC LIMIT 10

MATCH (me:Person)-->(friend:Person)-->(friend_of_friend:Person) WHERE me.name = 'A' RETURN count(DISTINCT friend_of_friend), count(friend_of_friend)

MATCH (n) RETURN labels(n), keys(n), properties(n), elementId(n)

MATCH ()-[r]->() RETURN type(r), startNode(r), endNode(r), properties(r) LIMIT 5

MATCH p = (a)-->(b)-->(c) WHERE a.name = 'Alice' RETURN nodes(p), relationships(p), length(p)

MATCH (n) WHERE n.name IS NOT NULL RETURN n.name, size(n.name) AS len

MATCH (n:Person) RETURN CASE n.eyes WHEN 'blue' THEN 1 WHEN 'brown' THEN 2 ELSE 3 END AS result

MATCH (n:Person) RETURN n.name, CASE WHEN n.age < 40 THEN 'young' WHEN n.age IS NULL THEN 'unknown' ELSE 'old' END AS ageGroup

MATCH (n) WITH n, CASE WHEN n.age > 30 THEN 'senior' ELSE 'junior' END AS band RETURN band, count(n)

MATCH (n:Person) RETURN n {.name, .age} AS person

MATCH (n:Person) RETURN n {.*, kind: 'person'} AS person

MATCH (n:Person)-[:ACTED_IN]->(m:Movie) RETURN n {.name, movies: collect(m {.title, .released})} AS actor

MATCH (actor:Person {name: 'Charlie Sheen'})-[:ACTED_IN]->(movie:Movie) RETURN actor {.name, .realName, movies: collect(movie {.title, .year})}

MATCH (p:Person) WITH p, size([(p)-[:ACTED_IN]->() | 1]) AS roles RETURN p.name, roles

MATCH (p:Person) WHERE p.name = $name AND p.born > $born RETURN p

MATCH (p:Person {name: $props.name}) RETURN p

MATCH (n) WHERE n[$prop] = $value RETURN n

MATCH (n) RETURN n[$key] AS dynamic

MATCH (n:Movie) WHERE n.title =~ $regex RETURN n.title SKIP $skip LIMIT $limit

EXPLAIN MATCH (n:Person) RETURN n

PROFILE MATCH (n:Person {name: 'Tom Hanks'}) RETURN n

MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(coActors) RETURN coActors.name

MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m)<-[:ACTED_IN]-(coActors), (coActors)-[:ACTED_IN]->(m2)<-[:ACTED_IN]-(cocoActors) WHERE NOT (tom)-[:ACTED_IN]->()<-[:ACTED_IN]-(cocoActors) AND tom <> cocoActors RETURN cocoActors.name AS Recommended, count(*) AS Strength ORDER BY Strength DESC

MATCH (people:Person)-[relatedTo]-(:Movie {title: 'Cloud Atlas'}) RETURN people.name, type(relatedTo), relatedTo

MATCH (bacon:Person {name: 'Kevin Bacon'})-[*1..4]-(hollywood) RETURN DISTINCT hollywood

MATCH p = shortestPath((bacon:Person {name: 'Kevin Bacon'})-[*]-(meg:Person {name: 'Meg Ryan'})) RETURN p

MATCH (nineties:Movie) WHERE nineties.released >= 1990 AND nineties.released < 2000 RETURN nineties.title

MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(tomHanksMovies) RETURN tom, tomHanksMovies

MATCH (cloudAtlas:Movie {title: 'Cloud Atlas'})<-[:DIRECTED]-(directors) RETURN directors.name

MATCH (m:Movie {title: $title})-[:IN_GENRE]->(g:Genre)
RETURN m.title AS title, m.released AS released, m.runtime AS runtime, g.name AS genre

MATCH (m:Movie)
WHERE m.released >= $from AND m.released <= $to
RETURN m.title AS title, m.released AS released
ORDER BY released, title
LIMIT $limit

MATCH (p:Person) WHERE p.name IN $names
RETURN p.name AS name, p.born AS born
ORDER BY name

MATCH (p:Person)-[r:ACTED_IN]->(m:Movie {title: $title})
RETURN p.name AS actor, r.roles AS roles
ORDER BY actor

MATCH (m:Movie)-[:IN_GENRE]->(g:Genre)
RETURN g.name AS genre, count(m) AS movies
ORDER BY movies DESC, genre

MATCH (n:Note)-[:ABOUT]->(m:Movie {title: $title})
WHERE $author IS NULL OR n.author = $author
RETURN n.text AS text, n.author AS author
ORDER BY text

MATCH (n) RETURN count(n) AS nodes;

MATCH ()-->() RETURN count(*) AS relationships

MATCH (n) UNWIND keys(n) AS key RETURN count(key) AS properties

MATCH (n) UNWIND labels(n) AS label RETURN DISTINCT label

MATCH (create:Person) RETURN create.name

MATCH (n) WHERE n.set = 1 RETURN n.delete, n.merge, n.remove

MATCH (n:`CREATE`)-[:`DELETE`]->(m:`SET`) RETURN m

MATCH (n) RETURN n.name AS `DETACH DELETE n`

WITH 'x' AS s WHERE s STARTS WITH 'x' AND s ENDS WITH 'x' RETURN s

MATCH (a)-[r]->(b) WHERE r.weight > 0.5 RETURN a.name, collect(b.name)[0..3] AS top

MATCH (a:Person) WHERE a.name IS NOT NULL WITH a ORDER BY a.name RETURN collect(a.name) AS names

MATCH (n:Person) RETURN n.name AS name, n.born AS born ORDER BY born IS NULL, born

MATCH (n:Person) WITH n.born / 10 * 10 AS decade, count(*) AS people RETURN decade, people ORDER BY decade

MATCH (n) WHERE any(label IN labels(n) WHERE label IN ['Person', 'Movie']) RETURN count(n)

MATCH (m:Movie) RETURN m.title, m.tagline ORDER BY m.released DESC SKIP 0 LIMIT 25

MATCH (m:Movie) WHERE m.title = 'The Matrix' OPTIONAL MATCH (m)<-[r]-(p:Person) RETURN m.title AS title, collect([p.name, head(split(toLower(type(r)), '_')), r.roles]) AS cast LIMIT 1

MATCH (p:Person)-[:ACTED_IN]->(m:Movie) WITH p, count(m) AS movies WHERE movies > 2 RETURN p.name, movies ORDER BY movies DESC

MATCH (p1:Person)-[:ACTED_IN]->(m:Movie)<-[:ACTED_IN]-(p2:Person) WHERE p1.name < p2.name RETURN p1.name, p2.name, count(m) AS together ORDER BY together DESC LIMIT 5

MATCH (p:Person)-[:DIRECTED]->(m:Movie)<-[:ACTED_IN]-(p) RETURN p.name, m.title

MATCH (p:Person) WHERE NOT EXISTS { (p)-[:ACTED_IN]->() } RETURN p.name

MATCH (m:Movie) RETURN m.title, COUNT { (m)<-[:ACTED_IN]-() } AS actors ORDER BY actors DESC

MATCH (n) FINISH

MATCH (n) RETURN n LIMIT 1
UNION
MATCH (n) RETURN n LIMIT 1

MATCH (a:Person $props) RETURN a

MATCH (a)-[:NEXT {k: 1}]->(b) RETURN b

MATCH (n:Match {x: 1})-[:CREATE {y: 2}]->(m:Set) RETURN n, m

RETURN $i AS i, $obj.name AS name, $i + 1 AS next

RETURN 1 AS create, 2 AS delete
