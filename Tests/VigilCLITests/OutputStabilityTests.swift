// The JSON that classify, predict, watch and eval print for the bundled samples and the parity fixtures, compared
// with what the binary printed before the consolidation of issue #12 (tools/capture_outputs.sh).
// Clock fields (timings, latency, wall-clock times, event ids) are masked; three documented changes are applied to
// the old outputs: a class without a name prints "label":null in watch too (it printed the index as text), eval
// prints one JSON line (it printed an indented document), and watch's scores moved (its audio vectors follow the
// rule classify uses, [t, t + 1), and its sigmoid is Paddle's, as predict's: docs/watch.md; so a top-k order or an
// event's window can move too). For watch the old outputs are therefore compared by their status lines and windows
// (the same windows over the same frames, the same classes named), and the new outputs, recorded as
// NAME.after.jsonl by tools/capture_outputs.sh, character for character. Fractional numbers need only agree within
// 1e-5 (`agrees`): OpenBLAS and FFmpeg choose their kernels by CPU, so Float32 scores differ in their last bits
// between CPUs of the same kind of machine (an AMD Zen 3 against the Zen 4 these were recorded on: up to 5.5e-7).
import Foundation
import Testing

private let folder = MediaCLI.root.appendingPathComponent("Tests/VigilCLITests/Fixtures/outputs")

private struct OutputCase: CustomTestStringConvertible, Sendable {
    let name: String
    let arguments: [String]
    var testDescription: String { name }
}

private let cases: [OutputCase] = {
    let table = (try? String(contentsOf: folder.appendingPathComponent("cases.tsv"), encoding: .utf8)) ?? ""
    return table.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
        let fields = line.split(separator: "\t", maxSplits: 1)
        guard fields.count == 2 else { return nil }
        return OutputCase(name: String(fields[0]), arguments: fields[1].split(separator: " ").map(String.init))
    }
}()

/// `text` with the values that depend on the clock replaced by `_`.
private func masked(_ text: String) -> String {
    var text = text
    let patterns = [
        (#""timings":\{[^}]*\}"#, #""timings":_"#),
        (#""(latency|start_time|end_time)":[-0-9.e+]+"#, #""$1":_"#),
        (#""id":"[^"]*""#, #""id":_"#),
    ]
    for (pattern, template) in patterns {
        text = text.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
    }
    return text
}

/// Whether `actual` prints what `recorded` did: the same text once every fractional number (one with a decimal point
/// or an exponent) is taken out, and those numbers within 1e-5 of each other (relatively, above 1). Integers, names,
/// classes and the order of the top-k stay exact.
private func agrees(_ actual: String, _ recorded: String) -> Bool {
    let (actualText, actualNumbers) = fractionalNumbersApart(actual)
    let (recordedText, recordedNumbers) = fractionalNumbersApart(recorded)
    guard actualText == recordedText, actualNumbers.count == recordedNumbers.count else { return false }
    return zip(actualNumbers, recordedNumbers).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) }
}

/// `text` with each fractional number replaced by `#`, and those numbers in order.
private func fractionalNumbersApart(_ text: String) -> (text: String, numbers: [Double]) {
    let pattern = #"-?[0-9]+(\.[0-9]+)?[eE][-+]?[0-9]+|-?[0-9]+\.[0-9]+"#
    var numbers: [Double] = []
    var rest = Substring(text), out = ""
    while let range = rest.range(of: pattern, options: .regularExpression) {
        out += rest[..<range.lowerBound] + "#"
        numbers.append(Double(rest[range]) ?? .nan)
        rest = rest[range.upperBound...]
    }
    return (out + rest, numbers)
}

/// Watch's status lines and its windows' frames and named classes, without scores, times or order of classes.
private func skeleton(_ text: String) -> [String] {
    text.split(separator: "\n").compactMap { line -> String? in
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return "?" }
        switch object["type"] as? String {
        case "status": return "status \(object["state"] ?? "") \(object["reason"] ?? "")"
        case "window":
            let classes = ((object["top_k"] as? [[String: Any]]) ?? []).map { "\($0["class"] ?? "")=\($0["label"] ?? "")" }
            return "window \(object["start_pts"] ?? "") \(object["end_pts"] ?? "") \(object["frames"] ?? "") \(classes.sorted())"
        default: return nil
        }
    }
}

/// The old output with the documented label and eval changes applied.
private func expected(_ name: String, _ old: String) -> String {
    if name.hasPrefix("eval") {  // one line: the indented document without its layout (no key or value has spaces)
        return old.filter { !$0.isWhitespace } + "\n"
    }
    if name.hasPrefix("watch") {  // an unnamed class printed its index as its label (top_k and lifecycle lines)
        return old.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var line = line.replacingOccurrences(
                of: #""class":([0-9]+),"label":"\1""#, with: #""class":$1,"label":null"#, options: .regularExpression)
            if let range = line.range(of: #"^\{"camera":"[^"]*","class":[0-9]+,"#, options: .regularExpression) {
                let index = line[range].split(separator: ":").last?.dropLast() ?? ""
                line = line.replacingOccurrences(of: "\"label\":\"\(index)\"", with: "\"label\":null")
            }
            return line
        }.joined(separator: "\n")
    }
    return old
}

@Suite(.serialized) struct OutputStabilityTests {
    @Test func theCaseTableIsThere() {
        #expect(cases.count >= 15)
    }

    @Test(arguments: cases) fileprivate func outputIsUnchanged(_ outputCase: OutputCase) throws {
        let old = try String(contentsOf: folder.appendingPathComponent("\(outputCase.name).jsonl"), encoding: .utf8)
        let result = try MediaCLI.vigil(outputCase.arguments)
        #expect(result.status == 0, "\(result.stderr)")
        guard outputCase.name.hasPrefix("watch") else {
            #expect(agrees(masked(result.stdout), masked(expected(outputCase.name, old))), "\(result.stdout)")
            return
        }
        #expect(skeleton(result.stdout) == skeleton(expected(outputCase.name, old)))
        let after = try String(contentsOf: folder.appendingPathComponent("\(outputCase.name).after.jsonl"), encoding: .utf8)
        #expect(agrees(masked(result.stdout), masked(after)), "\(result.stdout)")
    }
}
