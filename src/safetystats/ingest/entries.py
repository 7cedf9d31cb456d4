"""The entries of a raw folder (DATA_SPEC 3): files in sorted path order, and why an entry
cannot be read as a file — a named pipe, a socket, a device, a dangling link, a link loop, a
link to anything but a regular file, a file without read permission. Such an entry is named
with its reason and fails the command (exit 1); the other files are still read. Nothing here
opens a pipe or follows a link to a folder."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

KINDS = {  # file type → (中文, English)
    stat.S_IFIFO: ("命名管道", "a named pipe"),
    stat.S_IFSOCK: ("套接字", "a socket"),
    stat.S_IFCHR: ("字符设备", "a character device"),
    stat.S_IFBLK: ("块设备", "a block device"),
    stat.S_IFDIR: ("文件夹", "a folder"),
}
FIX = "请换成文件本身或移出原始数据目录 / put the file itself there, or move the entry out of the raw folder"


def walk(folder: Path) -> list[Path]:
    """Every entry under ``folder`` that is not a real folder, in sorted path order. Links are
    listed, never followed (a link to a folder is an entry, not a folder to walk)."""
    out = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return [folder]  # said by unreadable() when it is read
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            out += walk(Path(entry.path))
        else:
            out.append(Path(entry.path))
    return sorted(out)


def _kind(mode: int) -> tuple[str, str]:
    return KINDS.get(stat.S_IFMT(mode), ("特殊文件", "not a regular file"))


def unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be read as a ledger file, in Chinese and English (None: a regular
    file, or a link to one, that we may open)."""
    link = os.path.islink(path)
    try:
        mode = os.stat(path).st_mode  # through links
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"链接循环 / a link loop ({FIX})"
        if link:
            target = os.readlink(path)
            return f"链接的目标不存在 / a dangling link (to {target}; {FIX})"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return "没有读取权限 / no read permission (ask for read access to the file)"
        if exc.errno == errno.ENOENT:
            return "文件不存在 / no such file"
        return f"无法读取 / cannot be read ({exc.strerror})"
    if stat.S_ISDIR(mode) and not link:  # a folder walk() could not list
        try:
            os.listdir(path)
        except OSError:
            return "没有读取权限的文件夹 / a folder without read permission (ask for access)"
        return None
    if not stat.S_ISREG(mode):
        zh, en = _kind(mode)
        if link:
            return f"链接指向{zh}，只跟随指向普通文件的链接 / a link to {en}; only links to files are followed ({FIX})"
        return f"{zh}，不是普通文件 / {en}, not a file ({FIX})"
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        return "没有读取权限 / no read permission (ask for read access to the file)"
    except OSError as exc:
        return f"无法读取 / cannot be read ({exc.strerror})"
    return None
