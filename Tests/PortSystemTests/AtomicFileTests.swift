import PortSystem
import Testing

@Suite struct AtomicFileTests {
    @Test func writesTheFileWithItsModeAndLeavesNoTemporary() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/data"
        try AtomicFile(path: path, mode: 0o640, temporaryPrefix: ".data-").write(Array("first\n".utf8))
        try AtomicFile(path: path, mode: 0o640, temporaryPrefix: ".data-").write(
            Array("second\n".utf8), blockingSignals: true)
        #expect(try readWholeFile(at: path) == Array("second\n".utf8))
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o777 == 0o640)
        #expect(folder.names() == ["data"])
    }

    @Test func aFailingBodyLeavesTheOldFileAndNoTemporary() throws {
        let folder = try TemporaryFolder()
        let path = folder.path + "/data"
        try AtomicFile(path: path).write(Array("kept\n".utf8))
        let file = AtomicFile(path: path)
        #expect(throws: AtomicFile.Failure.self) {
            try file.write { (fd) throws(Errno) in
                try writeAll("half", to: fd)
                throw Errno(EIO)
            }
        }
        do {
            try file.write { (_) throws(Errno) in throw Errno(ENOSPC) }
        } catch {
            #expect(error.step == .write)
            #expect(error.problem == "cannot write: No space left on device")
        }
        #expect(try readWholeFile(at: path) == Array("kept\n".utf8))
        #expect(folder.names() == ["data"])
    }

    @Test func theBodyWritesThroughTheDescriptorItIsGiven() throws {
        // As the line editor's history is saved: a C function given an open descriptor.
        let folder = try TemporaryFolder()
        let path = folder.path + "/history"
        try AtomicFile(path: path).write(blockingSignals: true) { (fd) throws(Errno) in
            let text = Array("ports 80\n".utf8)
            let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 { throw Errno.current }
        }
        #expect(try readWholeFile(at: path) == Array("ports 80\n".utf8))
    }

    @Test func aMissingFolderIsReportedAtTheTemporaryStep() throws {
        do {
            try AtomicFile(path: "/nonexistent/porthole/file").write([1])
            Issue.record("wrote into a missing folder")
        } catch {
            #expect(error.step == .createTemporary)
            #expect(error.errno == Errno(ENOENT))
            #expect(error.path == "/nonexistent/porthole")
        }
    }

    @Test func makesFoldersAndTheirParents() throws {
        let folder = try TemporaryFolder()
        let nested = folder.path + "/a/b/c"
        try AtomicFile.makeFolders(nested, mode: 0o700)
        try AtomicFile.makeFolders(nested)  // already there: fine
        var status = stat()
        #expect(stat(nested, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR)
        #expect(status.st_mode & 0o777 == 0o700)
        try AtomicFile(path: folder.path + "/file").write([1])
        do {
            try AtomicFile.makeFolders(folder.path + "/file/below")
            Issue.record("made a folder below a file")
        } catch {
            #expect(error.step == .makeFolder && error.errno == Errno(ENOTDIR))
        }
        // Clean up the nested folders (TemporaryFolder removes only files).
        rmdir(folder.path + "/a/b/c")
        rmdir(folder.path + "/a/b")
        rmdir(folder.path + "/a")
    }
}
