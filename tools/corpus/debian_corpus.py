#!/usr/bin/env python3
"""Build an English prose corpus in BERT pre-training layout from text that
ships in Debian packages.

Called by build_debian_corpus.sh (which installs the packages first); uses the
Python standard library only, plus the `mandoc` and `bible` programs.

Layout of OUT_DIR/en-debian.txt: one sentence per line, one blank line between
documents, UTF-8, final newline.  A document is one HTML page, one manual page,
one Bible chapter, one chapter of a Jane Austen novel, one Jargon File
chapter/letter or a block of 40 fortunes.  Only paragraphs that look like
running English text are kept (headings, code, tables of symbols, navigation
fail the filter), and a paragraph seen before is dropped (boilerplate), except
in the Bible and the novels.  Sentences: a regex splitter that knows common
abbreviations and initials.

Documents from all sources are shuffled with a fixed seed, then written until
the requested size is reached (cut at a document boundary).  If all sources
together give less than the requested size, the documents are written again in
a new fixed-seed order until it is reached, and the output says so.
"""

import argparse
import collections
import glob
import gzip
import hashlib
import html
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import time
import unicodedata

GENERATOR_VERSION = 1
MIB = 1024 * 1024

# --------------------------------------------------------------------------
# Sources: package -> which of its files to read, and how.
# --------------------------------------------------------------------------

# Files from translated sets and index/search/navigation pages are excluded.
_HTML_COMMON_EXCLUDE = (
    r"/(_static|_sources|_images|_downloads|_modules|translations)/"
    r"|/(genindex[^/]*|py-modindex|search|searchindex|bookindex|objects)\.html$"
)

SOURCES = [
    # name, kind, packages, include regex, exclude regex
    ("kjv", "kjv", ["bible-kjv", "bible-kjv-text"], None, None),
    ("man-pages", "man", ["manpages", "manpages-dev"], r"^/usr/share/man/man[^/]+/", None),
    ("freebsd-man", "man", ["freebsd-manpages"], r"^/usr/share/man/man[^/]+/", None),
    ("perl-doc", "man", ["perl-doc"], r"^/usr/share/man/man[^/]+/", None),
    ("python-doc", "html", ["python3.11-doc"], r"/usr/share/doc/python3\.11/html/.*\.html$",
     r"/whatsnew/changelog\.html$|/(contents|copyright|license|about|bugs)\.html$"),
    ("linux-doc", "html", ["linux-doc-6.1"], r"/usr/share/doc/linux-doc-6\.1/html/.*\.html$", None),
    ("postgresql-doc", "html", ["postgresql-doc-15"], r"/html/.*\.html$", None),
    ("django-doc", "html", ["python-django-doc"], r"/html/.*\.html$", None),
    ("debian-handbook", "html", ["debian-handbook"], r"/html/en-US/.*\.html$", None),
    ("debian-reference", "html", ["debian-reference-en"], r"\.en\.html$", None),
    ("debian-policy", "html", ["debian-policy"], r"\.html$", None),
    ("developers-reference", "html", ["developers-reference"], r"\.html$", None),
    ("maint-guide", "html", ["maint-guide"], r"\.html$", None),
    ("sqlite-doc", "html", ["sqlite3-doc"], r"\.html$", r"/syntax/"),
    ("nodejs-doc", "html", ["nodejs-doc"], r"/api/.*\.html$", r"/api/all\.html$"),
    ("git-doc", "html", ["git-doc"], r"\.html$", None),
    ("bash-doc", "html", ["bash-doc"], r"\.html$", None),
    ("gnu-standards", "html", ["gnu-standards"], r"\.html$", None),
    ("cmake-doc", "html", ["cmake-doc"], r"/html/.*\.html$", None),
    ("erlang-doc", "html", ["erlang-doc"], r"\.html$", r"/java/|/doc/pdf/"),
    ("qt5-doc", "html", ["qtbase5-doc-html"], r"^/usr/share/qt5/doc/.*\.html$",
     r"-(members|obsolete)\.html$"),
    ("openjdk-doc", "html", ["openjdk-17-doc"], r"\.html$",
     r"/(class-use|index-files|legal)/|/(package-tree|package-use|overview-tree|allclasses-index|"
     r"allpackages-index|index-all|deprecated-list|constant-values|serialized-form|help-doc|"
     r"overview-summary|module-summary|new-list|preview-list|system-properties|external-specs)\.html$"),
    ("rust-books", "html", ["rust-doc"],
     r"/html/(book|edition-guide|embedded-book|nomicon|reference|rust-by-example|rustc|rustdoc|"
     r"unstable-book|cargo)/.*\.html$", r"/(print|toc)\.html$"),
    ("apache-doc", "html", ["apache2-doc"], r"/manual/en/.*\.html$", None),
    ("sqlalchemy-doc", "html", ["python-sqlalchemy-doc"], r"/html/.*\.html$", None),
    ("gtk-doc", "html", ["libgtk-3-doc", "libglib2.0-doc"], r"/gtk-doc/html/.*\.html$",
     r"/(api-index[^/]*|annotation-glossary|ix\d+)\.html$"),
    ("octave-doc", "html", ["octave-doc"], r"\.html$", None),
    ("zsh-doc", "html", ["zsh-doc"], r"\.html$", None),
    ("sphinx-doc", "html", ["sphinx-doc"], r"/html/.*\.html$", None),
    ("scons-doc", "html", ["scons-doc"], r"\.html$", None),
    ("openssl-man", "man", ["libssl-doc"], r"^/usr/share/man/man[^/]+/", None),
    ("tcl-tk-man", "man", ["tcl8.6-doc", "tk8.6-doc"], r"^/usr/share/man/man[^/]+/", None),
    ("curl-man", "man", ["libcurl4-doc"], r"^/usr/share/man/man[^/]+/", None),
    ("xlib-doc", "man", ["libx11-doc"], r"^/usr/share/man/man[^/]+/", None),
    ("xlib-html", "html", ["libx11-doc"], r"\.html$", None),
    ("racket-doc", "html", ["racket-doc"], r"\.html$", None),
    ("ffmpeg-doc", "html", ["ffmpeg-doc"], r"\.html$", r"-all\.html$"),
    ("boost-doc", "html", ["libboost1.74-doc"], r"\.html?$", None),
    ("maxima-doc", "html", ["maxima-doc"], r"\.html$", None),
    ("gnutls-doc", "html", ["gnutls-doc"], r"\.html$", None),
    ("harden-doc", "html", ["harden-doc"], r"/html/en-US/.*\.html$", None),
    ("installation-guide", "html", ["installation-guide-amd64"], r"/en/.*\.html$", None),
    ("debian-faq", "html", ["debian-faq"], r"\.html$", None),
    ("jane-austen", "rdata", [], None, None),  # r-cran-janeaustenr, unpacked with dpkg-deb
    ("jargon", "jargon", ["jargon-text"], r"jargon\.txt\.gz$", None),
    ("fortunes", "fortune", ["fortunes", "fortunes-min"], r"^/usr/share/games/fortunes/[^/.]+$", None),
]

# Translations of a page: foo.de.html, foo.pt-br.html, foo.zh_CN.html, ...
_LANG_HTML = re.compile(r"\.([a-z]{2}([-_][A-Za-z]{2,4})?)\.html$")


def packages_needed():
    pkgs = ["mandoc"]
    for _, _, p, _, _ in SOURCES:
        pkgs.extend(x for x in p if x not in pkgs)
    return pkgs


def dpkg_files(pkg):
    try:
        out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True, check=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        return []
    return [l for l in out.splitlines() if l.startswith("/")]


def list_tasks(log, austen_dir=None):
    """Return [(source, kind, path-or-key)] in a deterministic order."""
    tasks = []
    seen = set()
    for name, kind, pkgs, inc, exc in SOURCES:
        n0 = len(tasks)
        if kind == "kjv":
            if os.path.exists("/usr/bin/bible"):
                tasks.append((name, kind, "kjv"))
            log(f"  {name:22s} {len(tasks) - n0:6d} files")
            continue
        if kind == "rdata":
            rdb = glob.glob(os.path.join(austen_dir or "/nonexistent", "usr/lib/R/site-library/*/data/Rdata.rdb"))
            tasks.extend((name, kind, f) for f in sorted(rdb))
            log(f"  {name:22s} {len(tasks) - n0:6d} files")
            continue
        files = []
        for p in pkgs:
            files.extend(dpkg_files(p))
        inc_re = re.compile(inc) if inc else None
        exc_re = re.compile(exc) if exc else None
        common = re.compile(_HTML_COMMON_EXCLUDE)
        for f in sorted(set(files)):
            if inc_re and not inc_re.search(f):
                continue
            if exc_re and exc_re.search(f):
                continue
            if kind == "html":
                if common.search(f):
                    continue
                m = _LANG_HTML.search(f)
                if m and m.group(1) != "en" and m.group(1) not in ("tar", "min"):
                    continue
            if not os.path.isfile(f) or os.path.islink(f):
                continue
            real = os.path.realpath(f)
            if real in seen:
                continue
            seen.add(real)
            tasks.append((name, kind, f))
        log(f"  {name:22s} {len(tasks) - n0:6d} files")
    return tasks


# --------------------------------------------------------------------------
# Text cleaning, prose filter, sentence splitting
# --------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_OVERSTRIKE = re.compile(r".\x08")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u206f\ufeff\ufffc\ufffd\u00ad]")
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]")


def clean(s):
    s = _OVERSTRIKE.sub("", s)
    s = _SPACES.sub(" ", s)
    s = _CTRL.sub("", s)
    s = unicodedata.normalize("NFC", s)
    return _WS.sub(" ", s).strip()


_BULLET = re.compile(r"^(?:[•◦▪‣∙·*–—-]|\d{1,2}[.)]|\([a-z0-9]\))\s+")
_END_OK = re.compile(r"[.!?][\"'’”)\]]*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def is_prose(p):
    """Heuristic: a paragraph of running English text, not a heading, a
    table cell, a code fragment or a navigation link."""
    if len(p) < 20 or not _END_OK.search(p):
        return False
    words = _WORD.findall(p)
    if len(words) < 4:
        return False
    nonspace = len(p) - p.count(" ")
    letters = sum(1 for c in p if c.isalpha())
    if letters < 0.65 * nonspace:
        return False
    # mostly lower-case English words (skips ALL-CAPS legal text and symbol soup)
    lower = sum(1 for w in words if w.islower())
    if lower < 0.5 * len(words):
        return False
    # long words separated by spaces: real prose has a mean word length < 9
    if letters / max(1, len(words)) > 9:
        return False
    return True


def is_literary(p):
    """Filter for literary sources: drop only titles and headings."""
    if not any(c.islower() for c in p):
        return False
    return len(_WORD.findall(p)) >= 4 or bool(_END_OK.search(p))


_ABBREV = set("""
e.g i.e etc vs cf al approx ca resp incl esp viz mr mrs ms dr st sr jr prof
no nos fig figs sec ch vol p pp ed eds eq ref refs jan feb mar apr jun jul aug
sep sept oct nov dec mon tue wed thu fri sat sun inc ltd co corp dept univ
u.s u.k a.m p.m min max approx op def ver rev std
""".split())

_SPLIT = re.compile(r"(?<=[.!?])([\"'’”)\]]*)\s+(?=[\"'‘“(\[]?[A-Z0-9])")


def split_sentences(p):
    parts = []
    pos = 0
    for m in _SPLIT.finditer(p):
        parts.append(p[pos:m.end(1)])
        pos = m.end()
    parts.append(p[pos:])
    out = []
    for s in parts:
        s = s.strip()
        if not s:
            continue
        if out:
            prev = out[-1]
            last = prev.rsplit(" ", 1)[-1].rstrip(".").lower()
            # don't split after an abbreviation or a single-letter initial
            if last in _ABBREV or (len(last) == 1 and last.isalpha()) or last.endswith((".e", ".g")):
                out[-1] = prev + " " + s
                continue
        out.append(s)
    return out


# --------------------------------------------------------------------------
# Extractors: each returns a list of documents; a document is a list of
# paragraphs (cleaned strings, not yet filtered).
# --------------------------------------------------------------------------

_BLOCK = set("""p div li dd dt h1 h2 h3 h4 h5 h6 td th tr br blockquote section
article table ul ol dl hr caption title body form figure figcaption aside main
center tbody thead tfoot option details summary""".split())
_SKIP_TAGS = set("script style nav header footer head pre code-block svg math select textarea noscript iframe".split())
# class tokens of page furniture (Sphinx, DocBook, rustdoc, ...) whose text can
# pass the prose filter; the rest (menus, headings, tables of contents) fails it.
_SKIP_CLASS = set("""sphinxsidebar sphinxsidebarwrapper related footer rst-footer-buttons
wy-nav-side headerlink highlight linenos literal-block programlisting screen synopsis
funcsynopsis cmdsynopsis example searchbox srclink""".split())
_SKIP_CLASS_PREFIX = ("highlight-", "toctree-")
_SKIP_ID = re.compile(r"^(leftnav|footer|sidebar|searchbox)$")


def _skip_class(v):
    for t in v.split():
        if t in _SKIP_CLASS or t.startswith(_SKIP_CLASS_PREFIX):
            return True
    return False


_TAG = re.compile(
    r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)|<[!?][^>]*>"
    r"|<(/?)([A-Za-z][A-Za-z0-9:_-]*)((?:[^>\"']|\"[^\"<]*\"|'[^'<]*'|[\"'])*+)>", re.S)
_ATTR = re.compile(r"""(?:^|\s)(class|id|role)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)
_RAWTEXT = {"script", "style", "textarea"}


def html_paragraphs(text, skip_classes=True):
    """The text blocks of an HTML page: block-level tags end a paragraph;
    scripts, styles, <pre>, navigation and page furniture (by tag, class or
    id, counting nested tags of the same name) are skipped.  One regex pass
    (twice as fast as html.parser).  Returns (paragraphs, furniture_left_open)."""
    paras = []
    buf = []
    skip = None  # [tag, depth] of the element being skipped
    pos = 0
    n = len(text)

    def flush():
        if buf:
            t = clean(html.unescape("".join(buf)))
            buf.clear()
            if t:
                paras.append(t)

    while pos < n:
        m = _TAG.search(text, pos)
        if m is None:
            if skip is None:
                buf.append(text[pos:])
            break
        if skip is None and m.start() > pos:
            buf.append(text[pos:m.start()])
        pos = m.end()
        tag = m.group(2)
        if tag is None:
            continue  # comment, doctype, CDATA, processing instruction
        tag = tag.lower()
        closing = m.group(1) == "/"
        attrs = m.group(3)
        selfclosing = attrs.endswith("/")
        if not closing and tag in _RAWTEXT:  # skip to the closing tag
            e = re.compile(r"</" + tag + r"\s*>", re.I).search(text, pos)
            pos = e.end() if e else n
            if skip is None:
                flush()
            continue
        if skip is not None:
            if tag == skip[0] and not selfclosing:
                skip[1] += -1 if closing else 1
                if skip[1] == 0:
                    skip = None
            continue
        if closing:
            if tag in _BLOCK:
                flush()
            continue
        if selfclosing:
            if tag in _BLOCK:
                flush()
            continue
        if tag in _SKIP_TAGS:
            flush()
            skip = [tag, 1]
            continue
        if skip_classes and attrs and tag not in ("br", "img", "hr", "input", "meta", "link"):
            hit = False
            for am in _ATTR.finditer(attrs):
                k = am.group(1).lower()
                v = am.group(2) if am.group(2) is not None else (am.group(3) if am.group(3) is not None else am.group(4))
                if v and ((k != "id" and _skip_class(v)) or (k == "id" and _SKIP_ID.match(v))):
                    hit = True
                    break
            if hit:
                flush()
                skip = [tag, 1]
                continue
        if tag in _BLOCK:
            flush()
    flush()
    return paras, skip is not None and skip[0] not in _SKIP_TAGS


def read_bytes(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    with open(path, "rb") as f:
        return f.read()


def extract_html(path):
    raw = read_bytes(path)
    m = re.search(rb'charset=["\']?([A-Za-z0-9_-]+)', raw[:2048])
    enc = m.group(1).decode("ascii", "replace") if m else "utf-8"
    try:
        text = raw.decode(enc, errors="replace")
    except LookupError:
        text = raw.decode("utf-8", errors="replace")
    for skip_classes in (True, False):
        paras, unclosed = html_paragraphs(text, skip_classes)
        # an unclosed furniture element (unbalanced HTML) swallowed the rest
        if not unclosed:
            break
    return [paras]


def extract_man(path):
    raw = read_bytes(path)
    if len(raw) < 200 and raw.lstrip().startswith(b".so "):
        return []  # alias of another page
    try:
        r = subprocess.run(["mandoc", "-Tutf8", "-O", "width=1000"], input=raw,
                           capture_output=True, timeout=60)
    except (subprocess.TimeoutExpired, FileNotFoundError):
        return []
    lines = r.stdout.decode("utf-8", errors="replace").split("\n")
    lines = [l.rstrip() for l in lines]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    lines = lines[1:-1]  # page header and footer
    paras = []
    cur = ""
    for l in lines:
        s = l.strip()
        if not s:
            if cur:
                paras.append(cur)
                cur = ""
            continue
        if cur and len(cur) < 900:  # previous line was not wrapped at width 1000
            paras.append(cur)
            cur = ""
        cur = (cur + " " + s) if cur else s
    if cur:
        paras.append(cur)
    return [[clean(p) for p in paras]]


_KJV_VERSE = re.compile(r"^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$")


def extract_kjv(_):
    r = subprocess.run(["bible", "-f", "Gen1:1-Rev22:21"], stdin=subprocess.DEVNULL,
                       capture_output=True, check=True)
    docs = []
    key = None
    for line in r.stdout.decode("utf-8", errors="replace").split("\n"):
        m = _KJV_VERSE.match(line)
        if not m:
            continue
        k = (m.group(1), m.group(2))
        if k != key:
            docs.append([])
            key = k
        docs[-1].append(clean(m.group(4)))
    return docs


def extract_jargon(path):
    text = read_bytes(path).decode("utf-8", errors="replace")
    docs = [[]]
    cur = []

    def flush():
        if cur:
            docs[-1].append(clean(re.sub(r"[{}]", "", " ".join(cur))))
            cur.clear()

    for line in text.split("\n"):
        if not line.strip():
            flush()
        elif not line[0].isspace():  # "Chapter 3. ..." / "A" / "Glossary" headings
            flush()
            docs.append([])
        else:
            cur.append(line.strip())
    flush()
    return [d for d in docs if d]


def extract_fortune(path):
    text = read_bytes(path).decode("utf-8", errors="replace")
    fortunes = []
    for f in re.split(r"\n%\n", text):
        lines = [l.strip() for l in f.split("\n")]
        # drop attributions ("-- Mark Twain") and keep the quote as one paragraph
        lines = [l for l in lines if l and not l.startswith(("--", "—"))]
        if lines:
            fortunes.append(clean(" ".join(lines)))
    # one document per 40 fortunes
    return [fortunes[i:i + 40] for i in range(0, len(fortunes), 40)]


def _r_strings(blob):
    """Character vectors in an R serialization stream (XDR format 'X'): the
    lines of a book in janeaustenr.  Only what that package needs."""
    import struct
    if not blob.startswith(b"X\n"):
        return []
    pos = 2
    version = struct.unpack(">i", blob[pos:pos + 4])[0]
    pos += 12
    if version == 3:
        n = struct.unpack(">i", blob[pos:pos + 4])[0]
        pos += 4 + n
    flags, n = struct.unpack(">ii", blob[pos:pos + 8])
    if flags & 0xFF != 16:  # STRSXP
        return []
    pos += 8
    out = []
    for _ in range(n):
        flags, ln = struct.unpack(">ii", blob[pos:pos + 8])
        pos += 8
        if ln < 0:
            out.append("")
            continue
        enc = "latin-1" if (flags >> 12) & 4 else "utf-8"  # LATIN1_MASK in the levels
        out.append(blob[pos:pos + ln].decode(enc, errors="replace"))
        pos += ln
    return out


_CHAPTER = re.compile(r"^(chapter|volume|book)\b", re.I)


def extract_rdata(path):
    """janeaustenr's data/Rdata.rdb: zlib blocks (4-byte length + stream), one
    serialized character vector per novel.  One document per chapter."""
    import zlib
    data = read_bytes(path)
    docs = []
    pos = 0
    while pos + 4 < len(data):
        d = zlib.decompressobj()
        blob = d.decompress(data[pos + 4:])
        pos = len(data) - len(d.unused_data)
        paras, cur = [], []
        for line in _r_strings(blob) + [""]:
            line = line.strip()
            if line and _CHAPTER.match(line):
                if cur:
                    paras.append(clean(" ".join(cur)))
                    cur = []
                if paras:
                    docs.append(paras)
                paras = []
            elif line:
                cur.append(re.sub(r"_([^_]+)_", r"\1", line))  # _emphasis_
            elif cur:
                paras.append(clean(" ".join(cur)))
                cur = []
        if paras:
            docs.append(paras)
    return docs


EXTRACT = {"html": extract_html, "man": extract_man, "kjv": extract_kjv,
           "jargon": extract_jargon, "fortune": extract_fortune, "rdata": extract_rdata}

# literary sources: every paragraph is prose (verses and dialogue lines can be
# short or lack a final period)
_KEEP_ALL = {"kjv", "rdata"}


def work(task):
    """Extract one file -> (source, path, docs, error); a doc is a list of
    (paragraph hash or None, [sentence, ...]) for its prose paragraphs."""
    source, kind, path = task
    try:
        docs = EXTRACT[kind](path)
    except Exception as e:  # a broken file must not stop the build
        return source, path, [], f"{type(e).__name__}: {e}"
    keep_all = kind in _KEEP_ALL
    out = []
    for d in docs:
        paras = []
        for p in d:
            p = _BULLET.sub("", p)
            if not p or not (is_literary(p) if keep_all else is_prose(p)):
                continue
            # literary text may repeat itself; elsewhere a repeated paragraph
            # is boilerplate (licence notes, "see also" lines, ...)
            h = None if keep_all else hashlib.blake2b(p.encode("utf-8"), digest_size=12).digest()
            paras.append((h, split_sentences(p)))
        if paras:
            out.append(paras)
    return source, path, out, None


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def count_file(path):
    lines = docs = 0
    size = os.path.getsize(path)
    prev_blank = True
    with open(path, "rb") as f:
        for line in f:
            if line == b"\n":
                prev_blank = True
            else:
                lines += 1
                if prev_blank:
                    docs += 1
                prev_blank = False
    return size, lines, docs


def write_jsonl(txt, jsonl):
    tmp = jsonl + ".tmp"
    n = 0
    with open(txt, "r", encoding="utf-8") as fi, open(tmp, "w", encoding="utf-8") as fo:
        cur = []
        for line in fi:
            line = line.rstrip("\n")
            if line:
                cur.append(line)
            elif cur:
                fo.write(json.dumps({"text": "\n".join(cur)}, ensure_ascii=False) + "\n")
                n += 1
                cur = []
        if cur:
            fo.write(json.dumps({"text": "\n".join(cur)}, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, jsonl)
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--size-mb", type=float, default=110.0,
                    help="size of en-debian.txt in MiB (default 110)")
    ap.add_argument("--jsonl", action="store_true", help="also write en-debian.jsonl")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--list-packages", action="store_true",
                    help="print the Debian packages the corpus is made from and exit")
    ap.add_argument("--force", action="store_true", help="rebuild even if up to date")
    ap.add_argument("--austen-dir", help="where r-cran-janeaustenr's .deb was unpacked (dpkg-deb -x)")
    ap.add_argument("--check", action="store_true",
                    help="exit 0 if en-debian.txt is up to date (writing a missing jsonl), 3 if not")
    args = ap.parse_args()

    if args.list_packages:
        print(" ".join(packages_needed()))
        return 0

    def log(msg):
        print(msg, flush=True)

    os.makedirs(args.out_dir, exist_ok=True)
    txt = os.path.join(args.out_dir, "en-debian.txt")
    meta_path = os.path.join(args.out_dir, "en-debian.meta.json")
    jsonl = os.path.join(args.out_dir, "en-debian.jsonl")
    target = int(args.size_mb * MIB)

    meta = None
    if os.path.exists(meta_path):
        try:
            with open(meta_path) as f:
                meta = json.load(f)
        except (OSError, ValueError):
            meta = None
    if (not args.force and meta and os.path.exists(txt)
            and meta.get("size_mb") == args.size_mb and meta.get("seed") == args.seed
            and meta.get("generator_version") == GENERATOR_VERSION
            and os.path.getsize(txt) == meta.get("bytes")):
        log(f"{txt} is up to date (requested {args.size_mb:g} MiB); nothing to do.")
        if args.jsonl and not (os.path.exists(jsonl) and os.path.getmtime(jsonl) >= os.path.getmtime(txt)):
            n = write_jsonl(txt, jsonl)
            log(f"wrote {jsonl}: {n} documents, {os.path.getsize(jsonl) / MIB:.1f} MiB")
        log(f"size {meta['bytes']} bytes ({meta['bytes'] / MIB:.1f} MiB), "
            f"{meta['lines']} lines (sentences), {meta['documents']} documents"
            + (" [sources repeated to reach the size]" if meta.get("repeated") else ""))
        return 0
    if args.check:
        return 3

    t0 = time.time()
    log("listing source files:")
    tasks = list_tasks(log, args.austen_dir)
    if not tasks:
        log("error: no source files found; are the packages installed?")
        return 1
    log(f"extracting text from {len(tasks)} files with {args.jobs} processes ...")

    stats = collections.OrderedDict((s[0], [0, 0, 0]) for s in SOURCES)  # docs, sentences, bytes
    seen = set()
    documents = []  # list of (source, text)
    errors = 0
    with multiprocessing.Pool(args.jobs) as pool:
        for source, path, docs, err in pool.imap(work, tasks, chunksize=4):
            if err:
                errors += 1
                if errors <= 5:
                    log(f"  warning: {path}: {err}")
                continue
            for paras in docs:
                sents = []
                for h, ps in paras:
                    if h is not None:  # drop repeated boilerplate paragraphs
                        if h in seen:
                            continue
                        seen.add(h)
                    sents.extend(ps)
                if len(sents) < 2:
                    continue
                text = "\n".join(sents)
                documents.append((source, text))
                st = stats[source]
                st[0] += 1
                st[1] += len(sents)
                st[2] += len(text.encode("utf-8")) + 2
    log(f"extracted in {time.time() - t0:.0f} s ({errors} files skipped)")
    total = sum(s[2] for s in stats.values())
    log("documents / sentences / MiB per source:")
    for name, (d, s, b) in stats.items():
        log(f"  {name:22s} {d:7d} {s:9d} {b / MIB:8.1f}")
    log(f"  {'total':22s} {len(documents):7d} {sum(s[1] for s in stats.values()):9d} {total / MIB:8.1f}")
    if not documents:
        log("error: no text extracted")
        return 1

    rng = random.Random(args.seed)
    order = list(range(len(documents)))
    rng.shuffle(order)
    repeated = 0
    written = 0
    ndocs = 0
    tmp = txt + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        first = True
        while written < target:
            if repeated:
                rng.shuffle(order)
            for i in order:
                text = documents[i][1]
                chunk = text + "\n" if first else "\n" + text + "\n"
                first = False
                f.write(chunk)
                written += len(chunk.encode("utf-8"))
                ndocs += 1
                if written >= target:
                    break
            else:
                repeated += 1
                continue
            break
    os.replace(tmp, txt)
    size, lines, docs = count_file(txt)
    if repeated:
        log(f"NOTE: the sources gave only {total / MIB:.1f} MiB of text; documents were "
            f"repeated in {repeated} further shuffled pass(es) (seed {args.seed}) "
            f"to reach {args.size_mb:g} MiB.")
    meta = {
        "generator_version": GENERATOR_VERSION, "size_mb": args.size_mb, "seed": args.seed,
        "bytes": size, "lines": lines, "documents": docs, "repeated": repeated > 0,
        "unique_source_bytes": total,
        "sources": {k: {"documents": v[0], "sentences": v[1], "bytes": v[2]} for k, v in stats.items()},
    }
    with open(meta_path, "w") as f:
        json.dump(meta, f, indent=1)
    log(f"wrote {txt}: {size} bytes ({size / MIB:.1f} MiB), {lines} lines (sentences), "
        f"{docs} documents, in {time.time() - t0:.0f} s")
    if args.jsonl:
        n = write_jsonl(txt, jsonl)
        log(f"wrote {jsonl}: {n} documents, {os.path.getsize(jsonl) / MIB:.1f} MiB")
    elif os.path.exists(jsonl):
        os.remove(jsonl)  # stale
    return 0


if __name__ == "__main__":
    sys.exit(main())
