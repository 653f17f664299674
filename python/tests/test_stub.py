"""The committed type stub of tessera.ops says what the registry says (regenerate it with
python/tools/make_ops_stub.py when an op or a parameter changes)."""

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import make_ops_stub  # noqa: E402


def test_the_stub_matches_the_registry():
    committed = (ROOT / "tessera" / "ops.pyi").read_text()
    assert committed == make_ops_stub.stub_text(), (
        "python/tessera/ops.pyi is out of date: run python/tools/make_ops_stub.py")


def test_the_stub_is_valid_python_with_every_op():
    import ast

    import tessera

    tree = ast.parse((ROOT / "tessera" / "ops.pyi").read_text())
    names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    catalog = tessera._tessera.op_catalog()
    assert names == {op["name"] for op in catalog} | {op["function"] for op in catalog}
