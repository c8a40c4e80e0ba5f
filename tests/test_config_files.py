"""Config files in TOML or YAML: `train --config` and `generate --config` read both, with the same schema and the
same messages (file, table, field, reason); YAML is read as plain data only."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml

from cli_helpers import assert_one_line_error, run
from t2l_edge.errors import InvalidInputError
from t2l_edge.generate_config import GenerateConfig
from t2l_edge.train.config import Mode, TrainConfig
from test_train_config import BAD

ROOT = Path(__file__).resolve().parent.parent


def as_yaml(tmp_path, data, name="train.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize("example", sorted((ROOT / "examples").glob("train_*.toml")), ids=lambda p: p.name)
def test_yaml_and_toml_give_the_same_train_config(tmp_path, example):
    from_toml = TrainConfig.load(example)
    yaml_path = example.with_suffix(".yaml")
    if not yaml_path.exists():  # the examples ship a .yaml twin of the SFT config; the others converted here
        yaml_path = as_yaml(tmp_path, tomllib.loads(example.read_text()), example.stem + ".yaml")
        (tmp_path / "oracles").mkdir(exist_ok=True)
    got, expected = TrainConfig.load(yaml_path).to_dict(), from_toml.to_dict()
    for section in ("data", "base", "encoder", "eval"):  # paths are relative to each file's own folder
        for key in ("library", "model", "path", "tasks"):
            for d in (got, expected):
                if isinstance(d.get(section, {}).get(key), str):
                    d[section][key] = Path(d[section][key]).name
    assert got == expected


def test_yaml_reads_exponent_floats(tmp_path):
    """YAML 1.1 would read `lr: 3e-4` as a string; configs write learning rates that way."""
    path = tmp_path / "t.yml"
    path.write_text("optim:\n  lr: 3e-4\n  l2: 1.0e-4\ndata:\n  split: train\n")
    config = TrainConfig.load(path, Mode.SFT)
    assert config.optim.lr == 3e-4 and config.optim.l2 == 1e-4


@pytest.mark.parametrize("text, mode, words", [b for b in BAD if "not valid TOML" not in b[2]],
                         ids=lambda v: None if not isinstance(v, str) else v[:24])
def test_yaml_errors_match_toml_errors(tmp_path, text, mode, words):
    """Every bad TOML case of the train tests, written as YAML, gives the same message (only the file differs)."""
    toml_path, yaml_path = tmp_path / "c.toml", as_yaml(tmp_path, tomllib.loads(text), "c.yaml")
    toml_path.write_text(text)
    messages = []
    for path in (toml_path, yaml_path):
        with pytest.raises(InvalidInputError) as info:
            TrainConfig.load(path, mode)
        messages.append(str(info.value).replace(str(path), "FILE"))
    assert messages[0] == messages[1]


@pytest.mark.parametrize(
    "text, words",
    [
        ("optim: [lr\n", ["not valid YAML", "line 2"]),
        ("- optim\n- data\n", ["must be a mapping of sections, got list"]),
        ("optim: !!python/object/apply:os.system ['echo hacked']\n", ["not valid YAML", "could not determine a constructor"]),
        ("generate: 3\n", ["unknown section [generate]"]),
    ],
)
def test_bad_yaml(tmp_path, text, words):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(InvalidInputError) as info:
        TrainConfig.load(path)
    for w in words:
        assert w in str(info.value) and str(info.value).startswith(str(path))


def test_train_cli_reads_yaml(capsys, tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("optim:\n  lr: 0\ndata:\n  split: train\n")
    code, _, err = run(capsys, "train", "--mode", "sft", "--config", path, "--output", tmp_path / "run")
    assert_one_line_error(code, err, str(path), "[optim]", "'lr'")


# -- generate --config -------------------------------------------------------------------------------------------


def test_generate_config_schema(tmp_path):
    text = {"generate": {"task": "Reverse the words.", "output": "out/a.gguf", "quantization": "q4_0", "context": 512}}
    for name, body in (("g.yaml", yaml.safe_dump(text)), ("g.toml", '[generate]\ntask = "Reverse the words."\n'
                                                          'output = "out/a.gguf"\nquantization = "q4_0"\ncontext = 512\n')):
        (tmp_path / name).write_text(body)
        cfg = GenerateConfig.load(tmp_path / name)
        assert cfg == GenerateConfig(task="Reverse the words.", output=str(tmp_path / "out/a.gguf"),
                                     quantization="q4_0", context=512)
    assert cfg.merged(task="Sort.", output=None).task == "Sort." and cfg.merged(output=None).output == cfg.output
    for data, words in [
        ({"generate": {"taks": "x"}}, ["[generate] unknown field 'taks'", "known: task, examples, batch_file"]),
        ({"gen": {}}, ["unknown section [gen]"]),
        ({"generate": {"context": "long"}}, ["[generate] field 'context'", "positive integer"]),
        ({"generate": {"task": 3}}, ["[generate] field 'task'", "non-empty string"]),
    ]:
        for path in (as_yaml(tmp_path, data, "bad.yaml"),):
            with pytest.raises(InvalidInputError) as info:
                GenerateConfig.load(path)
            for w in words:
                assert w in str(info.value), str(info.value)


@pytest.mark.slow
def test_generate_with_a_yaml_config_and_validate(capsys, tmp_path):
    """The shipped bundle generates from a YAML config; --validate exits 0 where it fits and 1 where it does not."""
    from t2l_edge.export.formats import load_adapter

    (tmp_path / "gen.yaml").write_text("generate:\n  task: Reverse the order of the words.\n  output: rev.gguf\n"
                                       "  quantization: q4_0\n")
    code, out, err = run(capsys, "generate", "--config", tmp_path / "gen.yaml", "--validate", "raspberry-pi-5-4gb")
    assert code == 0, err
    adapter = load_adapter(tmp_path / "rev.gguf")
    assert adapter.task == "Reverse the order of the words." and "fits" in out and "raspberry-pi-5-4gb" in out
    tiny = tmp_path / "tiny.toml"
    tiny.write_text((ROOT / "profiles" / "raspberry-pi-5-4gb.toml").read_text()
                    .replace('app_budget = "3GiB"', 'app_budget = "200MiB"').replace('name = "raspberry-pi-5-4gb"', 'name = "tiny"'))
    code, out, err = run(capsys, "generate", "--config", tmp_path / "gen.yaml", "--validate", tiny, "-o", tmp_path / "b.gguf")
    assert code == 1 and "does not fit" in out and (tmp_path / "b.gguf").exists()
    code, _, err = run(capsys, "generate", "--task", "x")
    assert_one_line_error(code, err, "give --output")
