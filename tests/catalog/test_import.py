"""The national catalog import: nothing dropped, original text kept, versions only on change."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog.importer import ImportSummary, import_records, parse_lines, record_to_data
from motcua.catalog.models import (
    Channel,
    DurationUnit,
    OnlineClass,
    Procedure,
    ProcedureVersion,
)
from tests.helpers import CATALOG_FILE

pytestmark = pytest.mark.django_db


def load_record(code):
    with CATALOG_FILE.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["ma_thu_tuc"] == code:
                return record
    raise LookupError(code)


def test_every_record_of_the_file_is_a_procedure():
    with CATALOG_FILE.open(encoding="utf-8") as handle:
        codes = {json.loads(line)["ma_thu_tuc"] for line in handle if line.strip()}
    assert len(codes) == 2642
    assert set(Procedure.objects.values_list("code", flat=True)) == codes


def test_original_text_and_parse_status_are_kept_beside_parsed_values():
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.name == "Thủ tục đăng ký khai sinh"
    assert procedure.source["ma_thu_tuc"] == "1.001193"
    assert procedure.source["cach_thuc_thuc_hien"].startswith("Hình thức nộp")
    assert set(procedure.parse_status) >= {"cach_thuc_thuc_hien", "thanh_phan_ho_so"}
    assert procedure.parse_status["cach_thuc_thuc_hien"]["status"] in {"parsed", "partly"}
    assert procedure.levels == ["commune"]
    assert procedure.field.name == "Hộ tịch"
    assert procedure.documents.exists()
    assert procedure.version == 1
    assert procedure.versions.get().snapshot["code"] == "1.001193"


def test_the_first_record_parses_into_channels_documents_bases_and_results():
    procedure = Procedure.objects.get(code="1.000178")
    channels = {c.channel: c for c in procedure.channels.all()}
    assert set(channels) == {Channel.POSTAL, Channel.DIRECT}
    assert channels[Channel.DIRECT].duration_value == 60
    assert channels[Channel.DIRECT].duration_unit == DurationUnit.WORKING_DAYS
    assert procedure.online_class == OnlineClass.NONE
    assert procedure.not_online_reason
    assert procedure.documents.filter(name__startswith="Đơn khiếu nại").exists()
    assert set(procedure.legal_bases.values_list("code", flat=True)) >= {
        "68/2013/TT-BCA",
        "02/2011/QH13",
    }
    assert list(procedure.results.values_list("code", flat=True)) == ["KQ.G01.00262"]


def test_reimport_of_an_unchanged_record_creates_no_version():
    record = load_record("1.001193")
    versions = ProcedureVersion.objects.count()
    summary = import_records([record])
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert ProcedureVersion.objects.count() == versions


def test_reimport_of_a_changed_record_updates_by_code_with_a_new_version():
    record = load_record("1.001193")
    record["ten_thu_tuc"] = "Thủ tục đăng ký khai sinh (sửa đổi)"
    summary = import_records([record])
    assert summary.updated == 1
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.version == 2
    assert procedure.name.endswith("(sửa đổi)")
    assert [v.number for v in procedure.versions.all()] == [2, 1]
    assert procedure.versions.get(number=1).snapshot["name"] == "Thủ tục đăng ký khai sinh"


def test_broken_lines_are_reported_not_fatal():
    summary = ImportSummary()
    lines = [
        "{not json",
        json.dumps({"ten_thu_tuc": "no code"}),
        "",
        json.dumps(load_record("1.001193")),
    ]
    records = list(parse_lines(lines, summary))
    assert len(records) == 1
    assert [line for line, _ in summary.rejected] == [1, 2]


def test_a_record_with_nothing_parseable_is_still_imported():
    record = {
        "ma_thu_tuc": "9.999999",
        "ten_thu_tuc": "",
        "cap_thuc_hien": "",
        "cach_thuc_thuc_hien": "???",
    }
    data, _status = record_to_data(record)
    assert data.name == "9.999999"
    assert data.levels == ["other"]
    summary = import_records([record])
    assert summary.created == 1
    status = Procedure.objects.get(code="9.999999").parse_status
    assert status["cach_thuc_thuc_hien"]["status"] == "failed"


def test_command_prints_the_parse_report_and_the_totals(tmp_path):
    sample = tmp_path / "sample.jsonl"
    records = [json.dumps(load_record(c), ensure_ascii=False) for c in ["1.001193", "1.000178"]]
    sample.write_text("\n".join(records) + "\n{broken\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_procedures", str(sample), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "cach_thuc_thuc_hien" in text
    assert "Dòng 3 bị bỏ qua" in text
    assert "Đã xử lý 2 thủ tục" in text
    assert "2 không đổi" in text


def test_command_refuses_a_missing_file():
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_procedures", "/nonexistent/procedures.jsonl")


def test_the_same_code_twice_in_one_file_updates_instead_of_failing():
    first = load_record("1.001193")
    first["ma_thu_tuc"] = "9.000001"
    second = dict(first, ten_thu_tuc="Tên mới của thủ tục thử")
    summary = import_records([first, second])
    assert (summary.created, summary.updated) == (1, 1)
    procedure = Procedure.objects.get(code="9.000001")
    assert procedure.version == 2
    assert procedure.name == "Tên mới của thủ tục thử"


def test_reimport_keeps_what_catalog_managers_decided(django_user_model):
    from motcua.catalog.services import current_data, save_procedure

    procedure = Procedure.objects.get(code="1.001193")
    local = current_data(procedure)
    local.online_class = OnlineClass.FULL
    local.provincial_code = "1.001193.H22"
    save_procedure(local, reason="Phân loại toàn trình theo Quyết định của UBND tỉnh")
    # The same national record again: nothing changes, the local classification stays.
    summary = import_records([load_record("1.001193")])
    assert summary.unchanged == 1
    procedure.refresh_from_db()
    assert (procedure.online_class, procedure.version) == (OnlineClass.FULL, 2)
    # A national change arrives: a new version with it, still with the local decisions.
    changed = load_record("1.001193")
    changed["ten_thu_tuc"] = "Thủ tục đăng ký khai sinh (sửa đổi)"
    summary = import_records([changed])
    assert summary.updated == 1
    procedure.refresh_from_db()
    assert procedure.version == 3
    assert procedure.name.endswith("(sửa đổi)")
    assert procedure.online_class == OnlineClass.FULL
    assert procedure.provincial_code == "1.001193.H22"
