#!/usr/bin/env python3
"""Generate corpora/adversarial.txt: one hard tokenizer case per line.

Written for the mlmprep project; the script and its output are CC0 (public domain).

Every case is spelled with escapes so the exact code points are visible here, whatever the editor does.
The output is UTF-8 (valid: no surrogates), lines end with "\n" only, except one line that ends "\r\n" on
purpose. The file is meant to be read as Python's ``data.split(b"\n")`` sees it: "\r", form feeds, U+2028
and U+2029 inside a line are part of the line.

    python3 corpora/make_adversarial.py          # (re)write corpora/adversarial.txt
    python3 corpora/make_adversarial.py --list   # print "line-number<TAB>label" for every case
"""

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "adversarial.txt"


def long_line(target_bytes: int = 20_000) -> str:
    """A deterministic ~20 kB line of words (ASCII, accented, Cyrillic, CJK, emoji, punctuation)."""
    words = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dogs", "tokenization", "unbelievable",
             "café", "naïve", "Straße", "Москва", "东京", "日本語", "😀", "co-operate", "U.S.A.", "1,234",
             "[MASK]", "e\u0301", "ﬁne", "x²", "—", "«quoted»", "end."]
    state, out, size = 12345, [], 0
    while size < target_bytes:
        state = (state * 1103515245 + 12345) % 2**31   # a fixed LCG, so the line never changes
        word = words[state % len(words)]
        out.append(word)
        size += len(word.encode()) + 1
    return " ".join(out)


def zalgo(text: str, marks_per_char: int) -> str:
    marks = [chr(c) for c in range(0x0300, 0x036F)]
    out, k = [], 0
    for ch in text:
        out.append(ch)
        for _ in range(marks_per_char):
            out.append(marks[k % len(marks)])
            k = k * 7 + 3
    return "".join(out)


CASES = [
    # --- byte order mark, first line of the file on purpose
    ("BOM at start of file", "\ufeffByte order mark at the start of the file."),
    # --- combining marks
    ("decomposed e + acute", "cafe\u0301 re\u0301sume\u0301 nai\u0308ve"),
    ("precomposed e acute", "caf\u00e9 r\u00e9sum\u00e9 na\u00efve"),
    ("stacked marks, canonical order (dot below 220 before acute 230)", "a\u0323\u0301 o\u031b\u0323\u0302"),
    ("stacked marks, non-canonical order (acute before dot below)", "a\u0301\u0323 o\u0302\u0323\u031b"),
    ("combining mark at start of line", "\u0301\u0302abc def"),
    ("combining mark after space and after punctuation", "word \u0301 next .\u0301 (\u0308)"),
    ("only combining marks", "\u0301\u0300\u0308"),
    ("30 marks on one base", "x" + "".join(chr(0x0300 + (k % 0x30)) for k in range(30)) + " y"),
    ("zalgo", zalgo("Zalgo text", 3)),
    ("angstrom sign, ohm sign, kelvin sign", "\u212b \u2126 \u212a 5\u212a A\u030angstro\u0308m \u00c5ngstr\u00f6m"),
    ("multiply accented precomposed", "\u01d6 \u1e69 \u1ed7 \u1ef9 \u01fa"),
    ("Devanagari nukta precomposed vs decomposed", "\u0958 \u0915\u093c \u0929 \u0928\u093c"),
    # --- zero-width and invisible format characters
    ("ZWJ ZWNJ ZWSP word joiner inside words", "foo\u200dbar baz\u200cqux zero\u200bwidth word\u2060joiner"),
    ("ZWNJ in Persian", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
    ("BOM in the middle of a line", "middle\ufeffbom and \ufeff alone"),
    ("soft hyphen", "co\u00adoperate hy\u00adphen\u00ad\u00adation \u00ad"),
    ("bidi embedding/override/isolate controls",
     "abc\u202adef\u202c \u202bghi\u202c \u202djkl\u202c \u202emno\u202c \u2066pqr\u2069 \u2067stu\u2069 \u2068vwx\u2069"),
    ("LRM RLM ALM", "left\u200eright\u200farabic\u061cmark"),
    ("Mongolian vowel separator and FVS", "\u182e\u1823\u1829\u182d\u1823\u182f \u1820\u180b\u180e\u1820"),
    ("interlinear annotation, object replacement", "\ufff9base\ufffaannot\ufffb \ufffc"),
    ("literal replacement character", "a\ufffdb \ufffd"),
    # --- control characters
    ("C0 controls inside words", "nul\x00byte bell\x07 back\x08space esc\x1b[31mred\x1b[0m del\x7fete"),
    ("C1 controls incl. NEL", "next\x85line csi\x9bx pad\x80 apc\x9f"),
    ("vertical tab and info separators", "a\x0bb c\x1cd e\x1de f\x1eg h\x1fi"),
    ("form feed inside a line", "page one\x0cpage two"),
    ("carriage return inside a line", "carriage\rreturn in the middle"),
    ("line ending CRLF (the \\r is dropped by the reader)", "windows line ending\r"),
    # --- spaces
    ("NBSP", "no\u00a0break\u00a0space"),
    ("every Unicode space separator",
     "a\u0020b\u00a0c\u1680d\u2000e\u2001f\u2002g\u2003h\u2004i\u2005j\u2006k\u2007l\u2008m\u2009n\u200ao"
     "\u202fp\u205fq\u3000r"),
    ("line and paragraph separators", "line\u2028separator paragraph\u2029separator"),
    ("only spaces", "     "),
    ("only tabs", "\t\t\t"),
    ("only NBSP and ideographic space", "\u00a0\u3000\u00a0"),
    ("only zero-width space", "\u200b\u200b"),
    ("only U+2028", "\u2028"),
    ("tabs between columns", "col1\tcol2\t\tcol3\t"),
    ("trailing spaces", "trailing spaces   "),
    ("leading spaces", "    leading spaces"),
    # --- emoji
    ("emoji skin tones", "\U0001f44d\U0001f3fd thumbs \U0001f44b\U0001f3ff\U0001f3fb wave"),
    ("ZWJ family and profession", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 "
     "\U0001f469\u200d\U0001f4bb \U0001f3f3\ufe0f\u200d\U0001f308"),
    ("flags (regional indicators) and tag sequence", "\U0001f1ef\U0001f1f5 \U0001f1fa\U0001f1f3 \U0001f1e9\U0001f1ea"
     " \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"),
    ("keycaps", "1\ufe0f\u20e3 #\ufe0f\u20e3 *\u20e3"),
    ("emoji presentation selectors", "\u2764\ufe0f \u2764\ufe0e \u263a\ufe0f \u2603"),
    ("newer emoji (Unicode 11, 14, 15)", "\U0001f970 \U0001fae0 \U0001fa77 \U0001fabf"),
    ("emoji glued to letters", "a\U0001f600b\U0001f600\U0001f600c"),
    # --- variation selectors
    ("variation selectors", "\u845b\U000e0100 \u845b\U000e0101 \u8fbb\U000e0100 a\ufe00 \u2205\ufe00"),
    # --- width and compatibility forms
    ("fullwidth forms", "\uff21\uff22\uff23\uff41\uff42\uff43\uff11\uff12\uff13\uff01\uff1f \uff28\uff45\uff4c\uff4c\uff4f"),
    ("halfwidth katakana and hangul", "\uff76\uff80\uff76\uff85 \uff8a\uff9f \uffa1\uffc2"),
    ("ligatures", "\ufb01nancial \ufb02ow \ufb00 \ufb03 \ufb04 \ufb05 \u0133 \u01c4 \u01c5 \u01c6 \u1e9e\u00df"),
    ("mathematical alphanumerics", "\U0001d400\U0001d401\U0001d402 \U0001d465 \U0001d518\U0001d52b\U0001d526"
     "\U0001d520\U0001d52c\U0001d521\U0001d522 \U0001d7d8\U0001d7d9\U0001d7da"),
    ("circled and parenthesized", "\u24d0\u24d1\u24d2 \u2460 \u2461 \u2473 \u24b6 \u2474 \u3251 \U0001f130"),
    ("superscripts and subscripts", "x\u00b2 + y\u00b3 = z\u2074, H\u2082O, \u00b9\u2044\u2082, \u2122 \u2120 \u00aa\u00ba"),
    ("roman numerals and letterlike", "\u2160 \u2163 \u216b \u2170 \u2116 \u2103 \u2109 \u210e"),
    ("Arabic presentation forms and tatweel", "\ufdfa \ufefb \ufe8d\ufe8e \u0643\u0640\u0640\u0640\u062a\u0627\u0628"),
    # --- CJK
    ("CJK extension B", "\U00020000\U00020bb7\U0002123d \U0002a6d6"),
    ("CJK extension C-F", "\U0002a700 \U0002b740 \U0002b820 \U0002ceb0"),
    ("CJK extension G and H", "\U00030000\U0003134a \U00031350"),
    ("CJK compatibility ideographs", "\uf900\uf901\ufa0e\ufa2a \U0002f800\U0002f801"),
    ("CJK radicals and ideographic description", "\u2e80\u2f00\u2f08 \u2ff0\u6c35\u6bcf \u3007"),
    ("Chinese with fullwidth punctuation", "\u4f60\u597d\uff0c\u4e16\u754c\uff01\u300c\u5f15\u7528\u300d\u3002"),
    ("Hangul syllables vs conjoining jamo", "\uac01 \u1100\u1161\u11a8 \u3131\u314f\u3131 \ud55c\uad6d\uc5b4"),
    ("old Hangul jamo", "\u1113\u1171\u11c3 \ua960\ud7b0"),
    # --- unassigned, private use, noncharacters
    ("unassigned code points", "a\u0378b \u0380 \u05ff \U0002fffd \U000e0080 \U000efffd"),
    ("private use", "\ue000\uf8ff \U000f0000 \U0010fffd pua\ue123word"),
    ("noncharacters", "\ufffe \uffff \ufdd0 \ufdef \U0001fffe \U0010ffff non\ufffechar"),
    # --- long words
    ("ASCII word of exactly 100 chars", "a" * 100),
    ("ASCII word of 101 chars", "b" * 101),
    ("2-byte word of 101 chars", "\u0436" * 101),
    ("2-byte word of 100 chars", "\u00e9" * 100),
    ("3-byte word of 150 chars (Devanagari letters, no marks)", "\u0915" * 150),
    ("4-byte emoji word of 120 chars", "\U0001f600" * 120),
    ("120 chars that become 60 after accent stripping", "e\u0301" * 60),
    ("60 dotted capital I (lowercase doubles the length)", "\u0130" * 60),
    ("long hyphenated compound", "-".join(["super"] * 40)),
    # --- case mapping traps
    ("Turkish dotted and dotless i", "\u0130STANBUL \u0131i \u0130i I\u0131 D\u0130YARBAKIR"),
    ("Greek final sigma in capitals", "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03a3\u039f\u03a6\u039f\u03a3 \u03a3"),
    ("Greek with tonos and dialytika", "\u0390 \u03b0 \u0386\u03b8\u03ae\u03bd\u03b1 \u03ca\u03cb"),
    ("German sharp s", "Stra\u00dfe STRASSE GRO\u1e9eE \u1e9e"),
    ("Cherokee and Georgian Mtavruli case", "\u13a0\u13a1\u13a2 \uab70\uab71 \u1c90\u1c91 \u10d0\u10d1"),
    ("titlecase and special casing", "\u01c8 \u01cb \u1f88 \u0149 \u1e96"),
    # --- punctuation by category, symbols, ASCII symbols
    ("Pc connector punctuation", "snake_case \u203f \u2040 \u2054 \ufe33 \ufe4d \uff3f a_b_c"),
    ("Pd dash punctuation", "a-b \u2010 \u2011 \u2012 \u2013 \u2014 \u2015 \u2e3a \u301c \u30a0 \ufe58 \uff0d"),
    ("Ps open punctuation", "( [ { \u0f3a \u2045 \u2329 \u300c \u300e \u3010 \u3014 \uff08 \u27e8 \u201a \u201e"),
    ("Pe close punctuation", ") ] } \u0f3b \u2046 \u232a \u300d \u300f \u3011 \u3015 \uff09 \u27e9"),
    ("Pi initial quotes", "\u00ab \u2018 \u201b \u201c \u201f \u2039 \u2e02 \u00abquoted"),
    ("Pf final quotes", "\u00bb \u2019 \u201d \u203a \u2e03 quoted\u00bb"),
    ("Po other punctuation", "! \" # % & ' * , . / : ; ? @ \\ \u00a1 \u00a7 \u00b6 \u00b7 \u00bf \u037e \u0387 \u055a "
     "\u0589 \u05c0 \u05c3 \u05f3 \u060c \u061b \u061f \u06d4 \u0964 \u0965 \u0e4f \u0e5a \u1362 \u1363 "
     "\u2016 \u2020 \u2021 \u2022 \u2030 \u2032 \u203b \u203c \u2047 \u3001 \u3002 \u30fb \uff01 \uff0c \uff0e"),
    ("punctuation glued to words", "hello,world!how's(it)going?yes:no;maybe...end\u2026ok\u3002next"),
    ("Sm math symbols", "+ < = > | ~ \u00ac \u00b1 \u00d7 \u00f7 \u2200 \u2202 \u2203 \u2205 \u2207 \u2208 \u2211 \u2212 \u221e "
     "\u2248 \u2260 \u2264 \u2265 \u2282 \u2295 \u2194 \u21d2 a+b=c x<y>z"),
    ("Sc currency symbols", "$ \u00a2 \u00a3 \u00a4 \u00a5 \u20a0 \u20a1 \u20b9 \u20bd \u20ac \u20bf \ufdfc $5 \u20ac10 5\u00a3"),
    ("Sk modifier symbols", "^ ` \u00a8 \u00af \u00b4 \u00b8 \u02c2 \u02c3 \u02c4 \u02c5 \u02da \u02dc \ua700 \uff3e \uff40 \uffe3 a^b `c`"),
    ("So other symbols", "\u00a9 \u00ae \u00b0 \u0482 \u058d \u06de \u06e9 \u2103 \u2116 \u2117 \u2122 \u214d \u2195 \u21b5 "
     "\u2318 \u23f0 \u2600 \u2603 \u2605 \u2660 \u266b \u26a1 \u2702 \u2708 \u2744"),
    ("ASCII symbols that are not Unicode punctuation", "$^+<=>|~` a$b c^d e+f g<h i=j k>l m|n o~p q`r"),
    # --- special token look-alikes
    ("literal special tokens", "[CLS] [SEP] [MASK] [UNK] [PAD]"),
    ("special tokens glued to text", "a[MASK]b [CLS]x [SEP][SEP] ([UNK])"),
    ("lowercase and mixed-case special token look-alikes", "[cls] [sep] [mask] [Mask] [ MASK ] [MASK"),
    ("only a special token", "[SEP]"),
    # --- numbers
    ("numbers with separators", "1,234,567.89 1.234.567,89 1 234 567 1\u202f234 12'345 1_000_000 1e-10 -42 +3.5"),
    ("non-ASCII digits", "\u0661\u0662\u0663 \u06f4\u06f5 \u096a\u096b \u0e53\u0e54 \uff11\uff12 \U0001d7ce \u00bd \u2155 3\u00bd"),
    ("numbers glued to units", "10km 3.5GHz 4K 3D COVID-19 2nd 100% 24/7 9:30am 1990s"),
    # --- URLs, emails, code
    ("URLs", "https://example.com/path/to/page?query=a&b=c#frag http://xn--bcher-kva.example/\u00f1?q=%20"),
    ("emails", "first.last+tag@example.co.uk someone@sub.example.org"),
    ("Python code", "def f(x): return x**2  # square it; print(f\"{x!r:>10}\")"),
    ("C code", "if (a && b || !c) { x->y = *p++; } // done"),
    ("SQL and HTML", "SELECT * FROM t WHERE a <> 'b'; <div class=\"x\">&amp;&lt;</div>"),
    ("shell and regex", "grep -E '^[a-z]+$' file.txt | sort -u > out.txt && echo $? ~/.bashrc"),
    # --- scripts with marks or without spaces
    ("Thai with tone marks (no spaces)", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a\u0e17\u0e38\u0e01\u0e04\u0e19"),
    ("Khmer", "\u1797\u17b6\u179f\u17b6\u1781\u17d2\u1798\u17c2\u179a"),
    ("Hebrew with niqqud and cantillation", "\u05d1\u05bc\u05b0\u05e8\u05b5\u05d0\u05e9\u05c1\u05b4\u05d9\u05ea \u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"),
    ("Arabic with harakat", "\u0627\u0644\u0652\u0639\u064e\u0631\u064e\u0628\u0650\u064a\u064e\u0651\u0629\u064f"),
    ("historic and other scripts", "\u16a0\u16a2\u16a6 \u14c0\u1426\u1403 \u2d5c\u2d30\u2d4e\u2d30\u2d63\u2d49\u2d56\u2d5c "
     "\U00010330\U00010331\U00010332 \ua000\ua001 \U00013000"),
    ("mixed scripts in one word", "abc\u0430\u0431\u0432\u4e2d\u6587def\u05d0\u05d1"),
    ("apostrophes and hyphens", "don't it\u2019s rock\u2019n\u2019roll state-of-the-art e-mail O'Neill"),
    # --- a very long line
    ("~20 kB line", long_line()),
]


def main() -> None:
    for label, text in CASES:
        assert "\n" not in text, label
    if "--list" in sys.argv[1:]:
        for number, (label, _) in enumerate(CASES, start=1):
            print(f"{number}\t{label}")
        return
    data = "".join(text + "\n" for _, text in CASES).encode("utf-8")
    OUT.write_bytes(data)
    print(f"wrote {OUT} ({len(CASES)} lines, {len(data)} bytes)")


if __name__ == "__main__":
    main()
