"""Files an alignment file is or names are untrusted: nothing outside, nothing but files."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from alignkit.alignment_file import check, load, loads
from alignkit.cli import main
from alignkit.errors import SpecError

HEAD = "version: 1\norg:\n  functions:\n    - {name: Executive, head: ceo}\n"
PEOPLE = "id,name,function\nceo,Dana,Executive\n"


def alignment(folder: Path, people_csv: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "alignment.yaml"
    path.write_text(HEAD + f"  people_csv: {people_csv!r}\n")
    return path


def codes_and_messages(error: pytest.ExceptionInfo[SpecError]) -> list[tuple[str | None, str]]:
    return [(p.code, p.message) for p in error.value.problems]


class TestNamedFilesStayInside:
    def test_a_file_beside_or_below_is_read(self, tmp_path: Path):
        """The usual case: the HR export next to the alignment file, or in a subfolder."""
        (tmp_path / "hr").mkdir()
        (tmp_path / "hr" / "people.csv").write_text(PEOPLE)
        assert [p.id for p in load(alignment(tmp_path, "hr/people.csv")).org] == ["ceo"]

    @pytest.mark.parametrize(
        "name", ["../secret.csv", "hr/../../secret.csv", "/etc/passwd", "/proc/self/environ"]
    )
    def test_paths_leaving_the_folder_are_refused(self, tmp_path: Path, name: str):
        """Absolute paths and `..` escapes are AK010 at the key; nothing is read or shown."""
        (tmp_path / "secret.csv").write_text("id,name,function\nTOKEN,s3cr3t,x\n")
        path = alignment(tmp_path / "repo", name)
        with pytest.raises(SpecError) as info:
            load(path)
        ((code, message),) = codes_and_messages(info)
        assert code == "AK010"
        assert "leads outside the alignment file's folder" in message
        assert "s3cr3t" not in str(info.value)
        assert str(info.value.problems[0].location) == f"{path}:5:3"

    def test_a_symlink_pointing_outside_is_refused(self, tmp_path: Path):
        """A link inside the folder to a file outside it is outside."""
        (tmp_path / "secret.csv").write_text(PEOPLE)
        repo = tmp_path / "repo"
        repo.mkdir()
        (repo / "people.csv").symlink_to(tmp_path / "secret.csv")
        with pytest.raises(SpecError, match="leads outside"):
            load(alignment(repo, "people.csv"))

    def test_a_symlink_inside_the_folder_is_fine(self, tmp_path: Path):
        """Links that stay inside are followed."""
        alignment(tmp_path, "people.csv")
        (tmp_path / "real.csv").write_text(PEOPLE)
        (tmp_path / "people.csv").symlink_to(tmp_path / "real.csv")
        assert len(load(tmp_path / "alignment.yaml").org) == 1

    def test_the_caller_can_allow_a_place_outside(self, tmp_path: Path):
        """`allow_outside` (and `--allow-outside`) opts in, for that place only."""
        shared = tmp_path / "shared"
        shared.mkdir()
        (shared / "people.csv").write_text(PEOPLE)
        path = alignment(tmp_path / "repo", str(shared / "people.csv"))
        assert len(load(path, allow_outside=[shared]).org) == 1
        assert list(check(path, allow_outside=[shared])) == []
        with pytest.raises(SpecError, match="leads outside"):
            load(path, allow_outside=[tmp_path / "elsewhere"])
        runner = CliRunner()
        refused = runner.invoke(main, ["check", str(path)])
        allowed = runner.invoke(main, ["check", "--allow-outside", str(shared), str(path)])
        assert (refused.exit_code, allowed.exit_code) == (2, 0)
        assert "AK010 error: `" in refused.output

    def test_loads_keeps_named_files_inside_its_base_dir(self, tmp_path: Path):
        """Text loaded without a file is judged against `base_dir`."""
        text = HEAD + "  people_csv: ../people.csv\n"
        (tmp_path / "people.csv").write_text(PEOPLE)
        with pytest.raises(SpecError, match="leads outside"):
            loads(text, base_dir=tmp_path / "sub")

    def test_a_file_that_is_not_a_csv_header_is_not_echoed(self, tmp_path: Path):
        """A named file that is not a people CSV is described, never printed."""
        (tmp_path / "keys.csv").write_text("AWS_SECRET_ACCESS_KEY=abc123/xyz+789==\nmore\n")
        with pytest.raises(SpecError) as info:
            load(alignment(tmp_path, "keys.csv"))
        assert "abc123" not in str(info.value)
        assert "does not look like a CSV header" in str(info.value)

    def test_a_real_header_is_named(self, tmp_path: Path):
        """A plain header is shown, so a wrong column is easy to fix."""
        (tmp_path / "people.csv").write_text("id,full name,team\nceo,Dana,Executive\n")
        with pytest.raises(SpecError, match="the header has 'id', 'full name', 'team'"):
            load(alignment(tmp_path, "people.csv"))

    def test_named_files_have_the_same_size_limit(self, tmp_path: Path):
        """A huge named file is refused before it is read."""
        (tmp_path / "people.csv").write_text(PEOPLE + "x,y,Executive\n" * 100)
        with pytest.raises(SpecError, match="the limit is 500 bytes") as info:
            load(alignment(tmp_path, "people.csv"), max_bytes=500)
        assert info.value.problems[0].code == "AK010"

    @settings(max_examples=60, deadline=None)
    @given(st.text(min_size=1, max_size=40))
    def test_any_name_is_read_inside_or_refused(self, name: str):
        """Whatever the name, the result is people from inside the folder or a SpecError."""
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            base = Path(folder) / "repo"
            base.mkdir()
            (base / "people.csv").write_text(PEOPLE)
            text = HEAD + "  people_csv: " + repr(name).replace("\\", "\\\\") + "\n"
            try:
                file = loads(text, base_dir=base)
            except SpecError:
                return
            assert [p.id for p in file.org] == ["ceo"]


class TestOnlyRegularFiles:
    def test_a_fifo_is_refused_without_hanging(self, tmp_path: Path):
        """A named pipe as the alignment file is AK010 (exit 2), not a hang."""
        fifo = tmp_path / "alignment.yaml"
        os.mkfifo(fifo)
        done: list[int] = []
        thread = threading.Thread(
            target=lambda: done.append(CliRunner().invoke(main, ["check", str(fifo)]).exit_code)
        )
        thread.start()
        thread.join(timeout=20)
        assert done == [2]

    def test_a_fifo_as_people_csv_is_refused(self, tmp_path: Path):
        """The same for a file the alignment file names."""
        os.mkfifo(tmp_path / "people.csv")
        with pytest.raises(SpecError, match="named pipe") as info:
            load(alignment(tmp_path, "people.csv"))
        assert info.value.problems[0].code == "AK010"

    def test_a_device_is_refused(self, tmp_path: Path):
        """/dev/zero would stream forever: refused as a device."""
        with pytest.raises(SpecError, match="character device") as info:
            load("/dev/zero")
        assert info.value.problems[0].code == "AK010"
        with pytest.raises(SpecError, match="character device"):
            load(alignment(tmp_path, "/dev/zero"), allow_outside=["/dev"])
