// What sort of thing a local path names, so inputs that would block or never end are refused by name.
import Foundation

/// The kind of filesystem object a path names (after symlinks), from `stat(2)`. Only regular files are media files:
/// opening a FIFO blocks until a writer comes, and a device such as /dev/zero never ends.
enum LocalFileKind: Equatable {
    case regular
    case directory
    case namedPipe
    case characterDevice
    case blockDevice
    case socket

    /// The kind of `path`, or nil when it cannot be stat'ed (missing, or not a path at all).
    init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        switch status.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFIFO: self = .namedPipe
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .socket  // S_IFSOCK: stat follows symlinks, so nothing else is left
        }
    }

    /// The refusal for a path of this kind ("is a named pipe (FIFO), not a regular file"); nil for a regular file.
    var refusal: String? {
        switch self {
        case .regular: nil
        case .directory: "is a directory, not a media file"
        case .namedPipe: "is a named pipe (FIFO), not a regular file"
        case .characterDevice: "is a character device, not a regular file"
        case .blockDevice: "is a block device, not a regular file"
        case .socket: "is a socket, not a regular file"
        }
    }
}
