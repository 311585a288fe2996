// PickleBudget: how much a pickle may materialise, in bytes and in values, measured against the file's size.
// A pickle can name one object many times through the memo; each use that the loaded value (or a consumer of it)
// copies is charged here, so a 7 MB file cannot ask for hundreds of gigabytes.
import Foundation

/// The one account every copy made while loading a pickle is charged to. The limits are a small multiple of the
/// file's size, never more than a hard cap: a pickle that is honest about its data uses each byte about once.
/// New loaders (e.g. storages of a PyTorch checkpoint) charge what they materialise with `charge(bytes:)`.
struct PickleBudget {
    /// No pickle may materialise more than this, whatever its size (8 GiB).
    static let hardCapBytes = 8 << 30
    /// Bytes allowed per byte of file, plus a fixed allowance for small files.
    static let bytesPerFileByte = 2
    static let slackBytes = 1 << 20
    /// Values (containers and scalars of the loaded tree) allowed per byte of file, plus a fixed allowance.
    static let valuesPerFileByte = 2
    static let slackValues = 1024

    let path: String
    /// The limits this file gets.
    let byteLimit: Int
    let valueLimit: Int
    private(set) var bytes = 0
    private(set) var values = 0

    init(fileSize: Int, path: String) {
        self.path = path
        let size = min(max(fileSize, 0), PickleBudget.hardCapBytes)
        byteLimit = min(PickleBudget.hardCapBytes, size * PickleBudget.bytesPerFileByte + PickleBudget.slackBytes)
        valueLimit = size * PickleBudget.valuesPerFileByte + PickleBudget.slackValues
    }

    /// Charges `count` materialised bytes (an array's, a string's, a copy's).
    mutating func charge(bytes count: Int) throws {
        bytes += count
        guard bytes <= byteLimit else {
            throw FormatError.malformed(
                path, "bad pickle: it would materialise more than \(byteLimit) bytes (\(PickleBudget.bytesPerFileByte) × "
                    + "the file's size + 1 MiB): one shared object is used many times")
        }
    }

    /// Charges `count` values of the loaded tree.
    mutating func charge(values count: Int) throws {
        values += count
        guard values <= valueLimit else {
            throw FormatError.malformed(
                path, "bad pickle: it would make more than \(valueLimit) values (\(PickleBudget.valuesPerFileByte) × "
                    + "the file's size + \(PickleBudget.slackValues)): shared containers are used many times")
        }
    }
}
