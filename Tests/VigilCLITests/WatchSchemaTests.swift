// The event schema itself: it accepts the documented lines and rejects broken ones.
import Foundation
import Testing

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let eventSchema = repositoryRoot.appendingPathComponent("docs/events.schema.json")

@Test func eventSchemaAcceptsEachDocumentedLine() throws {
    let validator = try SchemaValidator(contentsOf: eventSchema)
    let good = [
        #"{"type":"status","camera":"front","state":"online","reason":"connected"}"#,
        #"{"type":"window","camera":"front","start_pts":0,"end_pts":9.9,"start_time":1763900000,"end_time":1763900009.9,"frames":10,"top_k":[{"class":2,"label":"car","score":0.9}],"latency":0.02,"dropped_windows":0}"#,
        #"{"type":"start","id":"1763900000.000000-ab12cd","camera":"front","label":"car","class":2,"score":0.9,"top_score":0.9,"start_time":1763900000,"end_time":null}"#,
        #"{"type":"end","id":"1763900000.000000-ab12cd","camera":"front","label":"car","class":2,"score":0.1,"top_score":0.9,"start_time":1763900000,"end_time":1763900010,"reason":"quiet"}"#,
    ]
    for line in good { #expect(validator.problems(try .parse(line)) == [], "\(line)") }
}

@Test func eventSchemaRejectsBrokenLines() throws {
    let validator = try SchemaValidator(contentsOf: eventSchema)
    let bad = [
        #"{"type":"status","camera":"front","state":"asleep","reason":""}"#,
        #"{"type":"start","id":"x","camera":"c","label":"car","class":2,"score":0.9,"top_score":0.9,"start_time":1,"end_time":5}"#,
        #"{"type":"end","id":"x","camera":"c","label":"car","class":2,"score":0.9,"top_score":0.9,"start_time":1,"end_time":null,"reason":"quiet"}"#,
        #"{"type":"update","id":"x","camera":"c","label":"car","class":2,"score":1.5,"top_score":0.9,"start_time":1,"end_time":null}"#,
        #"{"type":"window","camera":"front"}"#,
        #"{"type":"status","camera":"front","state":"online","reason":"","extra":1}"#,
    ]
    for line in bad { #expect(validator.problems(try .parse(line)) != [], "\(line)") }
}
