"""The spawn drivers: open_port({spawn, Cmd} | {spawn_executable, File}, ...)
run an OS process; its stdout comes back as port data, port commands go to
its stdin, and with exit_status the owner gets {Port, {exit_status, N}}."""

import os
import subprocess

__all__ = ["SpawnDriver"]


class SpawnDriver:
    def __init__(self, port, kind, command, settings):
        self.port = port
        env = dict(os.environ)
        for k, v in settings["env"]:
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        if kind == "spawn_executable":
            args = [command] + (settings["args"] or [])
            if settings["arg0"] is not None:
                args[0] = settings["arg0"]
            executable = command
            shell = False
        else:
            args = command
            executable = None
            shell = True
        use_stdio = settings["use_stdio"]
        self.proc = subprocess.Popen(
            args, executable=executable, shell=shell, env=env, cwd=settings["cd"],
            stdin=subprocess.PIPE if use_stdio and settings["out"] else subprocess.DEVNULL,
            stdout=subprocess.PIPE if use_stdio and settings["in"] else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if settings["stderr_to_stdout"] else None,
            bufsize=0)
        self.os_pid = self.proc.pid
        self.exit_status = settings["exit_status"]
        self.out_fd = self.proc.stdout.fileno() if self.proc.stdout else None
        if self.out_fd is not None:
            port.table.watch(self.out_fd, self._readable)

    def _readable(self):
        try:
            data = os.read(self.out_fd, 65536)
        except OSError:
            data = b""
        if data:
            self.port.deliver_data(data)
            return
        self.port.table.unwatch(self.out_fd)
        self.out_fd = None
        status = self.proc.wait()
        if status < 0:
            status = 128 - status
        if self.exit_status:
            self.port.deliver_exit_status(status)
        self.port.deliver_eof()

    def command(self, data):
        if self.proc.stdin is None:
            return
        try:
            self.proc.stdin.write(data)
        except (BrokenPipeError, OSError):
            pass

    def control(self, op, data):
        return b""

    def close(self):
        if self.out_fd is not None:
            self.port.table.unwatch(self.out_fd)
            self.out_fd = None
        if self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        if self.proc.poll() is None:
            try:
                self.proc.terminate()
            except OSError:
                pass
