"""Device profiles: the shipped TOML files, the dataclass that checks them, sizes, and the `profiles` commands."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from t2l_edge.device_profiles import (
    CpuKernels,
    DeviceProfile,
    LlamaBackend,
    ProfileError,
    Runtime,
    format_size,
    load_profile,
    load_profile_file,
    load_shipped_profiles,
    parse_size,
    profile_from_dict,
    shipped_profile_names,
)
from t2l_edge.errors import InvalidInputError, MissingFileError
from cli_helpers import run

GiB, MiB = 1 << 30, 1 << 20

# The devices the product promises, with the facts a profile must get right about each.
REQUIRED = {
    "raspberry-pi-5-4gb": dict(total_memory=4 * GiB, llama_cpp_backend=LlamaBackend.CPU),
    "raspberry-pi-5-8gb": dict(total_memory=8 * GiB, llama_cpp_backend=LlamaBackend.CPU),
    "jetson-orin-nano-8gb": dict(total_memory=8 * GiB, gpu_shared=True, gpu_memory=8 * GiB),
    "jetson-orin-nx-16gb": dict(total_memory=16 * GiB, gpu_shared=True, gpu_memory=16 * GiB),
    "iphone-15": dict(total_memory=6 * GiB, gpu_shared=True),
    "iphone-15-pro": dict(total_memory=8 * GiB, gpu_shared=True),
    "pixel-8": dict(total_memory=8 * GiB),
    "android-4gb": dict(total_memory=4 * GiB),
    "mobile_cpu": dict(llama_cpp_backend=LlamaBackend.CPU),
    "laptop-16gb-cpu": dict(total_memory=16 * GiB, llama_cpp_backend=LlamaBackend.CPU, gpu_memory=0),
    "desktop-gpu-24gb": dict(gpu_memory=24 * GiB, gpu_shared=False, llama_cpp_backend=LlamaBackend.CUDA),
}

VALID = dict(
    name="my-board",
    description="a test board",
    total_memory="4GiB",
    app_budget="3GiB",
    gpu_memory=0,
    gpu_shared=True,
    cpu_threads=4,
    runtimes=["llama.cpp"],
    execution_providers=["cpu"],
    precisions=["fp32"],
)



def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err, err
    return lines[0]


def write_toml(path: Path, data: dict) -> Path:
    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    path.write_text("".join(f"{k} = {value(v)}\n" for k, v in data.items()))
    return path


# -- shipped profiles ----------------------------------------------------------------------------------------------


def test_at_least_twelve_shipped_profiles_and_every_required_device():
    names = shipped_profile_names()
    assert len(names) >= 12
    missing = set(REQUIRED) - set(names)
    assert not missing, f"no profile for {missing}"


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_required_device_facts(name):
    p = load_profile(name)
    for field, expected in REQUIRED[name].items():
        assert getattr(p, field) == expected, (name, field)
    assert 0 < p.app_budget < p.total_memory


def test_every_shipped_profile_loads_and_names_itself_after_its_file():
    profiles = load_shipped_profiles()
    assert [p.name for p in profiles] == shipped_profile_names()
    for p in profiles:
        assert p.source == f"profiles/{p.name}.toml"
        assert p.runtimes and p.precisions and p.cpu_threads > 0
        assert Runtime.LLAMA_CPP in p.runtimes


def _budget_comment(text: str) -> str:
    """The comment lines directly above `app_budget = ...`."""
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("app_budget"))
    comment = []
    for line in reversed(lines[:i]):
        if not line.startswith("#"):
            break
        comment.insert(0, line)
    return "\n".join(comment)


@pytest.mark.parametrize("name", shipped_profile_names())
def test_every_budget_carries_its_reasoning(name):
    text = (resources.files("t2l_edge.profiles") / f"{name}.toml").read_text()
    comment = _budget_comment(text)
    assert len(comment) > 60, f"{name}: app_budget has no reasoning comment"
    # The budget's figure is stated in its comment, so the comment cannot silently drift from the value.
    value = re.search(r'^app_budget = "([\d.]+)GiB"', text, re.M).group(1)
    assert value.rstrip("0").rstrip(".") in comment, (name, value)


def test_heuristic_budgets_say_so():
    heuristic = [n for n in shipped_profile_names()
                 if "HEURISTIC" in _budget_comment((resources.files("t2l_edge.profiles") / f"{n}.toml").read_text())]
    # Phones have unpublished limits: their budgets must be marked as heuristics.
    for phone in ("iphone-15", "iphone-15-pro", "pixel-8", "android-4gb"):
        assert phone in heuristic
    assert len(heuristic) >= 8


def test_shared_and_discrete_gpus():
    nano = load_profile("jetson-orin-nano-8gb")
    assert nano.gpu_shared and not nano.discrete_gpu and nano.llm_on_gpu
    desktop = load_profile("desktop-gpu-24gb")
    assert desktop.discrete_gpu and desktop.effective_gpu_budget() < desktop.gpu_memory
    assert Runtime.TENSORRT in desktop.runtimes and Runtime.TENSORRT not in load_profile("pixel-8").runtimes


def test_a_users_own_file_loads_by_path(tmp_path):
    path = write_toml(tmp_path / "my-device.toml", VALID)
    p = load_profile(str(path))
    assert p.name == "my-board" and p.total_memory == 4 * GiB and p.app_budget == 3 * GiB
    assert p.source == str(path) and p.cpu_kernels is CpuKernels.GENERIC


# -- sizes ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2GB", 2_000_000_000),
        ("512MiB", 512 * MiB),
        ("1.5 GiB", 3 * GiB // 2),
        ("3g", 3 * GiB),
        ("100kb", 100_000),
        ("64KiB", 64 * 1024),
        ("1TB", 10**12),
        ("4096", 4096),
        (4096, 4096),
        ("0", 0),
    ],
)
def test_parse_size(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    "text, reason",
    [
        ("-1GB", "negative"),
        ("2XB", "unknown size unit 'XB'"),
        ("", "is not a size"),
        ("GB", "is not a size"),
        ("1.2.3GB", "is not a size"),
        ("inf", "is not a size"),
        (True, "expected a size"),
        ([1], "expected a size"),
    ],
)
def test_malformed_size_names_where_and_why(text, reason):
    with pytest.raises(InvalidInputError) as e:
        parse_size(text, "--max-memory")
    assert str(e.value).startswith("--max-memory: ") and reason in str(e.value)


def test_format_size():
    assert format_size(3 * GiB // 2) == "1.50 GiB"
    assert format_size(-5 * MiB) == "-5.00 MiB"
    assert format_size(12) == "12 B"


# -- malformed profiles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, field, reason",
    [
        ({"total_memory": None}, "total_memory", "missing"),
        ({"app_budget": None}, "app_budget", "missing"),
        ({"total_memory": "-4GiB"}, "total_memory", "negative"),
        ({"app_budget": "-1MiB"}, "app_budget", "negative"),
        ({"gpu_memory": "-1GiB"}, "gpu_memory", "negative"),
        ({"app_budget": "5GiB"}, "app_budget", "more than total_memory"),
        ({"app_budget": "3 parsecs"}, "app_budget", "unknown size unit"),
        ({"runtimes": ["llama.cpp", "coreml-llm"]}, "runtimes", "got 'coreml-llm'"),
        ({"runtimes": []}, "runtimes", "at least one"),
        ({"runtimes": "llama.cpp"}, "runtimes", "expected a list"),
        ({"execution_providers": ["cpu", "warp-drive"]}, "execution_providers", "got 'warp-drive'"),
        ({"precisions": ["fp7"]}, "precisions", "got 'fp7'"),
        ({"cpu_threads": 0}, "cpu_threads", "positive integer"),
        ({"cpu_threads": "four"}, "cpu_threads", "positive integer"),
        ({"gpu_shared": "yes"}, "gpu_shared", "true or false"),
        ({"llama_cpp_backend": "cuda"}, "llama_cpp_backend", "needs a GPU"),
        ({"cpu_kernels": "avx9000"}, "cpu_kernels", "got 'avx9000'"),
        ({"gpu_budget": "1GiB"}, "gpu_budget", "only a discrete GPU"),
        ({"name": ""}, "name", "non-empty string"),
        ({"ram": "4GiB"}, "ram", "unknown field"),
    ],
)
def test_malformed_profile_names_file_field_and_reason(tmp_path, change, field, reason):
    data = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    path = write_toml(tmp_path / "bad.toml", data)
    with pytest.raises(ProfileError) as e:
        load_profile_file(path)
    message = str(e.value)
    assert message.startswith(f"{path}: field {field}: "), message
    assert reason in message, message
    assert "\n" not in message


def test_profile_that_is_not_toml(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("name = \n")
    with pytest.raises(ProfileError, match=re.escape(str(path)) + ": not valid TOML"):
        load_profile_file(path)


def test_unknown_profile_name_lists_the_shipped_ones():
    with pytest.raises(MissingFileError) as e:
        load_profile("nokia-3310")
    assert "nokia-3310: no such device profile" in str(e.value) and "pixel-8" in str(e.value)


def test_dataclass_checks_itself_without_a_file():
    with pytest.raises(ProfileError, match="<profile>: field cpu_threads"):
        DeviceProfile(**{**VALID, "cpu_threads": -2})
    p = profile_from_dict(dict(VALID), "inline")
    assert p.to_dict()["runtimes"] == ["llama.cpp"] and p.to_dict()["total_memory"] == 4 * GiB


# -- CLI -----------------------------------------------------------------------------------------------------------


def test_profiles_list_json_has_every_profile(capsys):
    code, out, _ = run(capsys, "profiles", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["name"] for r in rows] == shipped_profile_names()
    assert all(r["app_budget"] < r["total_memory"] for r in rows)


def test_profiles_list_table(capsys):
    code, out, _ = run(capsys, "profiles", "list")
    assert code == 0 and "pixel-8\t8.00 GiB\t3.50 GiB" in out  # not a terminal: tab-separated records


def test_profiles_show_prints_fields_and_the_budget_reasoning(capsys):
    code, out, _ = run(capsys, "profiles", "show", "pixel-8")
    assert code == 0
    assert "3.50 GiB" in out and "arm_i8mm" in out
    assert "HEURISTIC" in out and "low-memory killer" in out  # the file's comments are shown


def test_profiles_show_json_and_user_file(capsys, tmp_path):
    path = write_toml(tmp_path / "mine.toml", VALID)
    code, out, _ = run(capsys, "profiles", "show", path, "--json")
    assert code == 0 and json.loads(out)["app_budget"] == 3 * GiB


def test_profiles_show_malformed_file_is_one_line_exit_2(capsys, tmp_path):
    path = write_toml(tmp_path / "bad.toml", {**VALID, "total_memory": "-1GiB"})
    code, _, err = run(capsys, "profiles", "show", path)
    assert code == 2
    line = one_line_error(err)
    assert str(path) in line and "total_memory" in line and "negative" in line
