// Camera and label names made safe for MQTT topics and Home Assistant ids (docs/events.md, "MQTT").

/// Names as they appear in topics and discovery ids.
public enum TopicName {
    /// `name` as one MQTT topic level: `/`, `+`, `#`, whitespace and control characters become `_` (they would
    /// split the level, act as wildcards, or be hard to type); an empty name becomes `_`.
    public static func level(_ name: String) -> String {
        let safe = String(name.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "/", "+", "#": "_"
            case _ where scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F: "_"
            default: Character(scalar)
            }
        })
        return safe.isEmpty ? "_" : safe
    }

    /// `name` as a Home Assistant discovery id (node_id, object_id, unique_id): ASCII letters, digits, `_` and
    /// `-` kept, everything else `_`.
    public static func identifier(_ name: String) -> String {
        let safe = String(name.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
                ? Character(scalar) : "_"
        })
        return safe.isEmpty ? "_" : safe
    }
}
