// LabelMap: class index → human-readable name, from YouTube-8M's vocabulary.csv or a plain list.
import Foundation

/// Names of the classes a model predicts, by class index.
public struct LabelMap: Sendable, Equatable {
    /// `names[i]` is class i's name; nil where the file gives none.
    public var names: [String?]

    public init(names: [String?]) { self.names = names }

    /// The name of class `index`, if known.
    public func name(for index: Int) -> String? {
        names.indices.contains(index) ? names[index] : nil
    }

    /// Largest class index a vocabulary row may name (guards the table size).
    static let maxClasses = 1_000_000

    /// Reads YouTube-8M's `vocabulary.csv` (columns `Index` and `Name`, quoted fields allowed) or a text file with
    /// one name per line (line i is class i; blank lines keep their index).
    public static func load(_ url: URL) throws -> LabelMap {
        try parse(try readInputFile(url), path: url.path)
    }

    /// Parses label-file bytes (see `load`); errors name `path`.
    static func parse(_ data: Data, path: String) throws -> LabelMap {
        guard let text = String(data: data, encoding: .utf8) else {
            throw FormatError.malformed(path, "label file is not UTF-8 text")
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        let header = CSV.fields(of: String(firstLine))
        if let indexColumn = header.firstIndex(of: "Index"), let nameColumn = header.firstIndex(of: "Name") {
            return try fromCSV(text, indexColumn: indexColumn, nameColumn: nameColumn, path: path)
        }
        var lines = text.components(separatedBy: .newlines)
        if lines.last == "" { lines.removeLast() }
        return LabelMap(names: lines.map { $0.trimmingCharacters(in: .whitespaces) }.map { $0.isEmpty ? nil : $0 })
    }

    static func fromCSV(_ text: String, indexColumn: Int, nameColumn: Int, path: String) throws -> LabelMap {
        var names: [String?] = []
        for (line, row) in try CSV.rows(text, path: path).enumerated().dropFirst() where !(row.count == 1 && row[0].isEmpty) {
            guard row.count > max(indexColumn, nameColumn), let index = Int(row[indexColumn]), (0..<maxClasses).contains(index) else {
                throw FormatError.malformed(path, "vocabulary row \(line + 1) has no valid Index and Name")
            }
            if index >= names.count { names.append(contentsOf: [String?](repeating: nil, count: index + 1 - names.count)) }
            names[index] = row[nameColumn]
        }
        return LabelMap(names: names)
    }
}

/// RFC 4180 CSV: fields separated by commas, optionally quoted with `""` escapes and newlines inside quotes.
enum CSV {
    static func fields(of line: String) -> [String] {
        (try? rows(line, path: ""))?.first ?? []
    }

    static func rows(_ text: String, path: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"" where field.isEmpty: quoted = true
                case ",": row.append(field); field = ""
                case "\n": row.append(field); rows.append(row); row = []; field = ""
                case "\r": continue
                default: field.unicodeScalars.append(c)
                }
            }
        }
        guard !quoted else { throw FormatError.malformed(path, "CSV ends inside a quoted field") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
