"""The fd driver: open_port({fd, In, Out}, ...), used by `user` for
standard input and output under -noshell."""

import errno
import os

__all__ = ["FdDriver"]


class FdDriver:
    def __init__(self, port, fd_in, fd_out, read):
        self.port = port
        self.fd_in = fd_in
        self.fd_out = fd_out
        self.reading = False
        if read:
            self.start_reading()

    def start_reading(self):
        try:
            os.fstat(self.fd_in)
        except OSError:
            return
        self.reading = True
        try:
            self.port.table.watch(self.fd_in, self._readable)
            self.polled = False
        except (PermissionError, ValueError, OSError):
            # a regular file or /dev/null: always readable, so read it as the
            # scheduler goes instead of waiting in the selector
            self.polled = True
            self._schedule()

    def _schedule(self):
        self.port.table.runtime.timers.add(0, self._poll)

    def _poll(self):
        if self.reading:
            self._readable()
            if self.reading:
                self._schedule()

    def _readable(self):
        try:
            data = os.read(self.fd_in, 65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self.port.deliver_data(data)
        else:
            self._stop_reading()
            self.port.deliver_eof()

    def _stop_reading(self):
        if self.reading:
            self.reading = False
            if not self.polled:
                self.port.table.unwatch(self.fd_in)

    def command(self, data):
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.fd_out, view)
            except InterruptedError:
                continue
            except BlockingIOError:
                import select
                select.select([], [self.fd_out], [])
                continue
            except OSError as e:
                if e.errno == errno.EPIPE:
                    return
                raise
            view = view[n:]

    def control(self, op, data):
        return b""

    def close(self):
        self._stop_reading()
