"""manage.py import_organizations: organizations, accounts and roles from CSV or XLSX, all or nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command

from disclosure import orgimport
from disclosure.models import Membership, Organization
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()

HEADER = "名称,简称,类型,上级,编辑,审核"
# The child comes before its parent; the government exists already (its short name is updated).
GOOD = [
    HEADER,
    "秀洲区教育局,区教育局,部门,秀洲区政府,zhang:zhang@xz.gov.cn; li:li@xz.gov.cn,wang:wang@xz.gov.cn",
    "嘉兴市秀洲区人民政府,秀洲区政府,人民政府,,,wang:wang@xz.gov.cn",
    "王店镇人民政府,王店镇,人民政府,秀洲区政府,zhao:zhao@xz.gov.cn,",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def district(db):
    return factories.organization("xiuzhou", kind=Organization.Kind.GOVERNMENT, name="嘉兴市秀洲区人民政府")


def write(tmp_path, lines, name="orgs.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_bytes("\n".join(lines).encode(encoding))
    return str(path)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_organizations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot():
    return (
        sorted(Organization.objects.values_list("name", "short_name", "kind", "parent__name", "slug")),
        sorted(User.objects.values_list("username", "email")),
        sorted(Membership.objects.values_list("user__username", "organization__name", "role")),
    )


def test_it_imports_organizations_accounts_and_roles(district, tmp_path):
    out, _ = run(write(tmp_path, GOOD))
    assert "已导入：新建机关 2 个，更新 1 个，新建账号 4 个，新增角色 5 个" in out
    district.refresh_from_db()
    assert district.short_name == "秀洲区政府" and district.slug == "xiuzhou"  # updated, not duplicated
    education = Organization.objects.get(name="秀洲区教育局")
    assert (education.parent, education.kind, education.short_name) == (district, "department", "区教育局")
    assert Organization.objects.get(name="王店镇人民政府").kind == "government"
    assert set(education.memberships.values_list("user__username", "role")) == {
        ("zhang", "editor"),
        ("li", "editor"),
        ("wang", "reviewer"),
    }
    assert district.memberships.get().user.username == "wang"
    zhang = User.objects.get(username="zhang")
    assert zhang.email == "zhang@xz.gov.cn" and not zhang.has_usable_password()
    assert "zhang <zhang@xz.gov.cn> 设置密码：http://127.0.0.1:8000/workspace/password/set/" in out


def test_the_printed_link_sets_the_password_once(district, tmp_path, client):
    out, _ = run(write(tmp_path, GOOD), "--site-url", "https://reports.example.gov.cn/")
    line = next(line for line in out.splitlines() if line.startswith("zhao <"))
    path = line.split("https://reports.example.gov.cn", 1)[1]
    form = client.get(path, follow=True)
    assert "请为账号 <strong>zhao</strong> 设置密码" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Xiuzhou-2026-pw", "new_password2": "Xiuzhou-2026-pw"}
    )
    assert done.status_code == 302
    assert User.objects.get(username="zhao").check_password("Xiuzhou-2026-pw")
    assert "链接无效" in client.get(path, follow=True).content.decode()  # used: no second time


def test_send_email_mails_the_links(district, tmp_path):
    out, _ = run(write(tmp_path, GOOD), "--send-email")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "li@xz.gov.cn",
        "wang@xz.gov.cn",
        "zhang@xz.gov.cn",
        "zhao@xz.gov.cn",
    ]
    assert "/workspace/password/set/" in mail.outbox[0].body and "请设置您的账号密码" in mail.outbox[0].subject
    assert "设置密码：http" not in out


def test_a_dry_run_changes_nothing(district, tmp_path):
    before = snapshot()
    out, _ = run(write(tmp_path, GOOD), "--dry-run")
    assert "检查通过（试运行，未做任何修改）：将新建机关 2 个，更新 1 个，新建账号 4 个，新增角色 5 个" in out
    assert "第 2 行：新建 秀洲区教育局" in out and "简称：（空） → 秀洲区政府" in out
    assert snapshot() == before


def test_importing_the_same_file_again_changes_nothing(district, tmp_path):
    path = write(tmp_path, GOOD)
    run(path)
    after_first = snapshot()
    out, _ = run(path)
    assert "已导入：新建机关 0 个，更新 0 个，新建账号 0 个，新增角色 0 个" in out
    assert snapshot() == after_first


def test_it_reads_gbk_csv(district, tmp_path):
    run(write(tmp_path, GOOD, encoding="gbk"))
    assert Organization.objects.filter(name="王店镇人民政府").exists()


def test_it_reads_xlsx(district, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    for line in GOOD:
        book.active.append(line.split(","))
    book.active.append([])  # a blank row is skipped
    book.active.append(["新塍镇人民政府", None, "人民政府", "秀洲区政府", None, 12345])
    path = tmp_path / "orgs.xlsx"
    book.save(path)
    with pytest.raises(SystemExit):
        run(str(path))
    # 12345 as a reviewer is a user name without an e-mail: no such account, so the whole file is refused …
    assert not Organization.objects.filter(name="王店镇人民政府").exists()
    book.active.delete_rows(book.active.max_row)
    book.active.append(["新塍镇人民政府", None, "人民政府", "秀洲区政府", None, None])
    book.save(path)
    out, _ = run(str(path))  # … and imported once corrected
    assert "新建机关 3 个" in out
    assert Organization.objects.get(name="新塍镇人民政府").parent == district


# A good row by itself (its parent exists); each bad row below comes after it, as row 3.
BASE = "秀洲区教育局,区教育局,部门,嘉兴市秀洲区人民政府,zhang:zhang@xz.gov.cn,"
BAD_ROWS = [
    ("测试局,,委员会,,,", "未知的类型“委员会”；可用：人民政府、部门/机构"),
    ("测试局,,部门,不存在的政府,,", "找不到上级机关“不存在的政府”：既不在文件中，也不在系统中"),
    ("秀洲区教育局,,部门,,,", "名称“秀洲区教育局”与第 2 行重复"),
    ("测试局,,部门,测试局,,", "上级机关不能是自己"),
    ("测试局,,部门,,zhang:not-an-email,", "编辑列“zhang”：邮箱“not-an-email”格式不正确"),
    ("测" * 101 + ",,部门,,,", "名称过长（101 字，最多 100 字）"),
    ("测试局," + "简" * 51 + ",部门,,,", "简称过长（51 字，最多 50 字）"),
    ("测试局,,部门,,,nobody", "用户“nobody”不存在：新账号要写邮箱"),
    ("测试局,,部门,,zhang:other@xz.gov.cn,", "用户“zhang”的邮箱 other@xz.gov.cn 与第 2 行的 zhang@xz.gov.cn 不同"),
    (",区测试局,部门,,,", "名称为空"),
    ("测试局,,部门,,bad name!:x@xz.gov.cn,", "用户名只能包含字母、数字和 @ . + - _"),
    ('"测试\n局",,部门,,,', "名称、简称或上级中含有换行等控制字符"),
]


@pytest.mark.parametrize("line, reason", BAD_ROWS)
def test_a_bad_row_is_reported_and_nothing_is_imported(district, tmp_path, line, reason):
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command("import_organizations", write(tmp_path, [HEADER, BASE, line]), stdout=io.StringIO(), stderr=err)
    assert exit.value.code == 1
    assert "第 3 行：" in err.getvalue() and reason in err.getvalue()
    assert "共 1 处错误，没有导入任何内容" in err.getvalue()
    assert snapshot() == before


@pytest.mark.parametrize("line, reason", BAD_ROWS)
def test_the_reason_names_the_row(district, tmp_path, line, reason):
    plan = orgimport.plan_import(orgimport.read_rows(open(write(tmp_path, [HEADER, BASE, line]), "rb").read()))
    assert [n for n, _ in plan.errors] == [3] and reason in plan.errors[0][1]


def test_the_base_row_alone_is_good(district, tmp_path):
    assert orgimport.plan_import(orgimport.read_rows(open(write(tmp_path, [HEADER, BASE]), "rb").read())).ok


def test_a_cycle_is_reported_on_each_of_its_rows(district, tmp_path):
    lines = [HEADER, "甲局,,部门,乙局,,", "乙局,,部门,丙局,,", "丙局,,部门,甲局,,"]
    plan = orgimport.plan_import(orgimport.read_rows(open(write(tmp_path, lines), "rb").read()))
    assert [n for n, _ in plan.errors] == [2, 3, 4]
    assert "上级关系形成循环：甲局 → 乙局 → 丙局 → 甲局" in plan.errors[0][1]


def test_an_existing_user_with_another_email_is_refused(district, tmp_path):
    User.objects.create_user("zhang", "zhang@elsewhere.cn")
    plan = orgimport.plan_import(orgimport.read_rows(open(write(tmp_path, GOOD), "rb").read()))
    assert (2, "用户“zhang”已存在，邮箱为 zhang@elsewhere.cn，与文件中的 zhang@xz.gov.cn 不同") in plan.errors


def test_an_ambiguous_short_name_is_refused(district, tmp_path):
    factories.organization("a1", name="甲区教育局").__class__.objects.filter(slug="a1").update(short_name="教育局")
    factories.organization("a2", name="乙区教育局").__class__.objects.filter(slug="a2").update(short_name="教育局")
    plan = orgimport.plan_import(
        orgimport.read_rows(open(write(tmp_path, [HEADER, "某学校,,部门,教育局,,"]), "rb").read())
    )
    assert plan.errors == [(2, "上级“教育局”不唯一（乙区教育局、甲区教育局），请写全称")]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("名称,电话\n测试局,123\n".encode(), "未知的列“电话”"),
        ("简称\n测试局\n".encode(), "缺少“名称”列"),
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "不支持旧版 Excel"),
        (b"PK\x03\x04not really a zip", "无法读取 XLSX 文件"),
        (("名称\n" + "测试局\n" * (orgimport.MAX_ROWS + 1)).encode(), f"行数过多：最多 {orgimport.MAX_ROWS} 行"),
        (b"\xff\xfe\x00\xd8" * 10, "无法识别文件编码"),
    ],
)
def test_a_file_it_cannot_read_is_refused_whole(db, tmp_path, content, reason):
    path = tmp_path / "orgs.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=reason) as error:
        run(str(path))
    assert error.value.returncode == 2
    assert not Organization.objects.exists()


def test_a_file_too_large_is_refused(db, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (orgimport.MAX_BYTES + 1))
    with pytest.raises(CommandError, match="文件过大") as error:
        run(str(path))
    assert error.value.returncode == 2


def test_moving_an_organization_under_its_own_child_is_a_cycle(district, tmp_path):
    factories.organization("edu", parent=district, name="秀洲区教育局")
    lines = [HEADER, "嘉兴市秀洲区人民政府,,,秀洲区教育局,,"]
    plan = orgimport.plan_import(orgimport.read_rows(open(write(tmp_path, lines), "rb").read()))
    assert plan.errors == [(2, "上级关系形成循环：嘉兴市秀洲区人民政府 → 秀洲区教育局 → 嘉兴市秀洲区人民政府")]


def test_a_blank_cell_keeps_an_existing_value(district, tmp_path):
    edu = factories.organization("edu", parent=district, name="秀洲区教育局")
    Organization.objects.filter(pk=edu.pk).update(short_name="区教育局")
    out, _ = run(write(tmp_path, [HEADER, "秀洲区教育局,,,,,"]))
    assert "更新 0 个" in out
    edu.refresh_from_db()
    assert (edu.short_name, edu.parent, edu.kind, edu.slug) == ("区教育局", district, "department", "edu")
