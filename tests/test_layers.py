"""The package's shape holds: data flows one way through the layers, no import cycle (even inside functions),
no module or function grows past what a reader can hold, and every sentence exists in both languages."""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
from pathlib import Path

from batchship.i18n import CATALOGUE, LANGS, choose_lang

PACKAGE = Path(__file__).parent.parent / "batchship"

#: What each part may import (besides itself). Faces on top, pure domain and words at the bottom.
ALLOWED: dict[str, set[str]] = {
    "i18n": set(),
    "errors": {"i18n"},
    "timefmt": set(),
    # pandas, imported the one way batchship imports it
    "frames": set(),
    "model": {"i18n"},
    "domain": {"i18n", "errors", "timefmt", "model", "frames"},
    "ooxml": set(),
    "sheets": {"i18n", "errors", "domain", "ooxml", "frames"},
    "output": {"i18n", "errors", "timefmt", "model", "domain", "ooxml", "sheets", "frames"},
    "naver": {"i18n", "errors", "domain", "__init__"},
    "journal": {"i18n", "errors", "timefmt", "domain", "database"},
    "sandbox": {"i18n", "errors", "timefmt", "domain"},
    # the web desk's own tables, in a file or the team's PostgreSQL database
    "database": {"i18n", "errors"},
    # who may use the web desk: accounts, tokens, sessions (the faces ask it; no service needs it)
    "accounts": {"i18n", "errors", "timefmt", "database"},
    "services": {
        "i18n",
        "errors",
        "timefmt",
        "frames",
        "model",
        "domain",
        "sheets",
        "output",
        "naver",
        "journal",
        "sandbox",
    },
    "apps": set(),  # everything below it: filled in after the table
    "__init__": set(),
    "__main__": {"apps"},
}
ALLOWED["apps"] = ALLOWED["services"] | {"services", "accounts", "database"}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 65  # "about 60", docstring not counted
MAX_PARAMETERS = 8


def _modules() -> dict[str, Path]:
    return {
        ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts): p
        for p in sorted(PACKAGE.rglob("*.py"))
    }


def _imports(path: Path) -> set[str]:
    """Every batchship module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("batchship"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("batchship"))
    modules = _modules()
    return {name for name in found if name in modules}


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else "__init__"


def test_layers_import_only_downwards() -> None:
    """No layer imports a higher one: the domain knows no sheets, ooxml no domain, services no face."""
    wrong = []
    for module, path in _modules().items():
        mine = _part(module)
        for imported in _imports(path):
            theirs = _part(imported)
            if theirs != mine and theirs not in ALLOWED[mine]:
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_no_import_cycles() -> None:
    """The module import graph (function-level imports included) has no cycle."""
    graph = {m: {i for i in _imports(p) if i != m} for m, p in _modules().items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue  # a package and its own submodules (re-exports), not a cycle of logic
            if state.get(nxt) == 1:
                cycle.extend([*trail, node, nxt])
                return
            if not state.get(nxt):
                visit(nxt, [*trail, node])
        state[node] = 2

    for module in graph:
        if not state.get(module) and not cycle:
            visit(module, [])
    assert cycle == []


def test_modules_and_functions_stay_small() -> None:
    """No module over about 400 lines, no function over about 60 lines or with more than 8 parameters."""
    too_big = []
    for module, path in _modules().items():
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MAX_MODULE_LINES:
            too_big.append(f"{module}: {len(source.splitlines())} lines")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            doc = node.body[0] if node.body and isinstance(node.body[0], ast.Expr) else None
            if doc is not None and isinstance(doc.value, ast.Constant) and isinstance(doc.value.value, str):
                length -= (doc.end_lineno or doc.lineno) - doc.lineno + 1
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
            count = len([a for a in params if a.arg not in ("self", "cls")])
            if length > MAX_FUNCTION_LINES or count > MAX_PARAMETERS:
                too_big.append(f"{module}.{node.name}: {length} lines, {count} parameters")
    assert too_big == []


def test_tqdm_lives_in_the_command_line_only() -> None:
    """Progress bars are a face's business: services send progress events, only apps/cli imports tqdm."""
    users = [m for m, p in _modules().items() if re.search(r"^\s*(from|import) tqdm", p.read_text(), re.M)]
    assert users == ["batchship.apps.cli.render"]


def test_every_sentence_exists_in_both_languages_with_the_same_placeholders() -> None:
    """A key in one language only, or a placeholder one language lacks, fails here."""
    problems = []
    for key, texts in CATALOGUE.items():
        if set(texts) != set(LANGS) or not all(texts.values()):
            problems.append(f"{key}: {sorted(texts)}")
            continue
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in LANGS]
        if fields[0] != fields[1]:
            problems.append(f"{key}: {fields}")
    assert problems == []


def test_korean_sentences_carry_no_english_words() -> None:
    """Korean text has no English words beyond names, codes and commands (NAVER, CSV, --sandbox, PAYED...)."""
    allowed = re.compile(
        r"^(NAVER|CSV|UTF|CP949|EUC|KR|UTF-16|BOM|HTML|API|ID|IP|TOML|JSON|URL|KST|MB|HTTP|Excel|CJ|"
        r"batchship|sandbox|watch|dispatch|check|export|journal|xlsx|xlsm|xls|csv|txt|processing|done|failed|"
        r"results|log|Ctrl|End|CANCEL|PAYED|DELIVERY|GDFW|ISSUE|SVC|sqlite|path|productOrderId|status|"
        r"placeOrderStatus|orderId|productClass|claimType|claimStatus|fault|chmod|client|id|secret|base|url|config|password|sheet|max|rows|file|mb|dry|run|lang|"
        r"DATE|SHEET|INBOX|CSV|CANCELED|BATCHSHIP|JOURNAL|LANG|SHEET|PASSWORD|NAVER|COMMERCE|CLIENT|SECRET|"
        r"ACCOUNT|API|BASE|OK|N|E|a|e|GS|CP|cron|systemd|template|admin|demo|tsv|Caddy|nginx|Forwarded|For|Proto|"
        r"Authorization|Bearer|migrate|PostgreSQL|SQLite|postgresql)$"
    )
    odd = set()
    for key, texts in CATALOGUE.items():
        text = re.sub(
            r"\{[^}]*\}|`[^`]*`|'[^']*'|--[\w-]+|\$[\w$]+|\S+\.\w+|<[^>]*>|%\([a-z]+\)[rs]", " ", texts["ko"]
        )
        for word in re.findall(r"[A-Za-z]{2,}", text):
            if not allowed.match(word):
                odd.add(f"{key}: {word}")
    assert odd == set()


def test_system_errors_are_put_into_the_catalogues_words() -> None:
    """An OSError's own text is English whatever the language: `os_reason` says it in the catalogue's words,
    for every errno a file operation commonly meets, and names the errno for the rest."""
    import errno

    from batchship.i18n import os_reason

    for code in (errno.ENOENT, errno.EACCES, errno.ENOSPC, errno.EROFS, errno.EISDIR, errno.ENAMETOOLONG):
        exc = OSError(code, os.strerror(code))
        ko, en = os_reason(exc).render("ko"), os_reason(exc).render("en")
        assert os.strerror(code) not in ko + en and not re.search(r"[A-Za-z]", ko), (code, ko)
        assert re.fullmatch(r"[a-z][a-z /,-]+", en), (code, en)
    odd = os_reason(OSError(errno.ECONNRESET, "Connection reset by peer"))
    assert (odd.render("ko"), odd.render("en")) == ("시스템 오류 ECONNRESET", "system error ECONNRESET")
    assert os_reason(ValueError("x")).render("ko") == "시스템 오류 ValueError"


def test_language_choice_order() -> None:
    """--lang first, then BATCHSHIP_LANG, then the locale (English locale: English; anything else: Korean)."""
    assert choose_lang("en", {"BATCHSHIP_LANG": "ko"}) == "en"
    assert choose_lang(None, {"BATCHSHIP_LANG": "en", "LANG": "ko_KR.UTF-8"}) == "en"
    assert choose_lang(None, {"LANG": "en_US.UTF-8"}) == "en"
    assert choose_lang(None, {"LC_ALL": "ko_KR.UTF-8", "LANG": "en_US.UTF-8"}) == "ko"
    assert choose_lang(None, {"LANG": "C.UTF-8"}) == "ko"


def test_help_is_korean_by_default_and_english_on_request() -> None:
    """`--help` of every command in the chosen language, argparse's own words included."""
    from batchship.apps.cli import build_parser

    ko = build_parser("ko").format_help()
    en = build_parser("en").format_help()
    assert ko.startswith("사용법: batchship") and "옵션" in ko and "options" not in ko
    assert en.startswith("usage: batchship") and "발송 시트로" not in en
    for command in ("check", "dispatch", "watch", "template", "history", "sandbox"):
        text = subprocess.run(
            [sys.executable, "-m", "batchship", command, "--help"],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "BATCHSHIP_LANG": "ko"},
            check=True,
        ).stdout
        assert "사용법:" in text and "show this help" not in text, command


def test_the_package_imports_without_posix_only_modules() -> None:
    """dispatch and watch must start on Windows: every module imports with fcntl unavailable, and a check
    runs (a stand-in for a Windows interpreter, which has no fcntl)."""
    code = (
        "import sys, pkgutil, importlib; sys.modules['fcntl'] = None; import batchship; "
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(batchship.__path__, 'batchship.') if not m.name.endswith('__main__')]; "
        "print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
