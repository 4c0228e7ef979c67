"""Organizations and accounts at scale (issue 9, item 8): a CSV or XLSX file of organizations, their parents,
editors and reviewers, read, checked as a whole and then imported in one transaction — or not at all.

The file has a header row with these columns (only 名称 is required; 填报人/审核人 are accepted for 编辑/审核)::

    名称 | 简称 | 类型 | 上级 | 编辑 | 审核 | 网址标识

- 类型: 人民政府 or 部门/机构 (also 部门, 机构); blank: 部门/机构 for a new organization.
- 上级: the parent's name or short name, an organization already in the system or any row of the file (rows may
  come in any order); blank: none for a new organization.
- 编辑, 审核: people as ``用户名:邮箱``, several separated by ``;`` — e.g. ``zhang:zhang@x.gov.cn; li:li@x.gov.cn``.
  A user name alone names an account that already exists.
- 网址标识: the organization's slug for its public address; blank: ``org-`` and a hash of the name.

An organization whose name is already in the system is updated (a blank cell leaves its value as it is), not
created again; accounts and roles that exist are kept. So importing the same file twice changes nothing the
second time. Accounts it creates have no usable password: each gets a link to set one (Django's password-reset
tokens), printed or e-mailed.
"""

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import Membership, Organization

MAX_BYTES = 1024 * 1024  # 1 MB: some 5,000 rows, and small enough to carry through the admin's preview
MAX_ROWS = 5000
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX is a zip: refuse one that expands beyond this
MAX_PEOPLE = 50  # per cell
MAX_CELL = 2000  # characters

COLUMNS = {
    "名称": "name",
    "机关名称": "name",
    "简称": "short_name",
    "类型": "kind",
    "上级": "parent",
    "上级机关": "parent",
    "编辑": "editors",
    "填报人": "editors",
    "审核": "reviewers",
    "审核人": "reviewers",
    "网址标识": "slug",
}
KINDS = {label: code for code, label in Organization.Kind.choices} | {
    "部门": Organization.Kind.DEPARTMENT,
    "机构": Organization.Kind.DEPARTMENT,
    **{code: code for code, _ in Organization.Kind.choices},
}
ROLES = {"editors": Membership.Role.EDITOR, "reviewers": Membership.Role.REVIEWER}
NAME_MAX = Organization._meta.get_field("name").max_length
SHORT_MAX = Organization._meta.get_field("short_name").max_length
SLUG_MAX = Organization._meta.get_field("slug").max_length


class RefusedFile(Exception):
    """The file as a whole cannot be read: nothing of it is looked at further."""


# ---- reading the file ---------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    name: str = ""
    short_name: str = ""
    kind: str = ""
    parent: str = ""
    editors: str = ""
    reviewers: str = ""
    slug: str = ""


def read_rows(data, filename=""):
    """The rows of a CSV (UTF-8 with or without BOM, or GBK/GB18030) or XLSX file, blank rows left out."""
    if len(data) > MAX_BYTES:
        raise RefusedFile(f"文件过大（{len(data) // 1024} KB），最大 {MAX_BYTES // 1024} KB")
    if data[:4] == b"PK\x03\x04":
        table = _xlsx_rows(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or filename.lower().endswith(".xls"):
        raise RefusedFile("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV")
    else:
        table = csv.reader(io.StringIO(_decode(data), newline=""))
    return _rows(table)


def _decode(data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # GBK, as Excel on Chinese Windows saves CSV
    except UnicodeDecodeError:
        raise RefusedFile("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV，或 .xlsx 文件") from None


def _xlsx_rows(data):
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNZIPPED:
                raise RefusedFile("XLSX 文件解压后过大")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except RefusedFile:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise RefusedFile(f"无法读取 XLSX 文件：{error}") from None
    sheet = workbook.worksheets[0]
    for values in sheet.iter_rows(values_only=True):
        yield ["" if v is None else _text(v) for v in values]


def _text(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(table):
    rows, columns = [], None
    for number, values in enumerate(table, start=1):
        if number > MAX_ROWS + 1:
            raise RefusedFile(f"行数过多：最多 {MAX_ROWS} 行（不含表头）")
        values = [v.strip() for v in values]
        if columns is None:
            columns = _columns(values)
            continue
        if not any(values):
            continue
        row = Row(number)
        for index, attribute in columns.items():
            setattr(row, attribute, values[index] if index < len(values) else "")
        rows.append(row)
    if columns is None:
        raise RefusedFile("文件是空的：第 1 行应是表头（名称、简称、类型、上级、编辑、审核）")
    return rows


def _columns(header):
    columns, unknown = {}, []
    for index, title in enumerate(header):
        title = title.lstrip("\ufeff").strip()
        if not title:
            continue
        attribute = COLUMNS.get(title)
        if attribute is None:
            unknown.append(title)
        elif attribute in columns.values():
            raise RefusedFile(f"第 1 行：“{title}”列重复")
        else:
            columns[index] = attribute
    if unknown:
        known = "、".join(dict.fromkeys(COLUMNS))
        raise RefusedFile(f"第 1 行：未知的列“{'”、“'.join(unknown)}”；可用的列：{known}")
    if "name" not in columns.values():
        raise RefusedFile("第 1 行：缺少“名称”列")
    return columns


# ---- checking it against the system ---------------------------------------------------------------------------


@dataclass
class OrganizationChange:
    row: int
    name: str
    created: bool
    changes: list  # ["简称：旧 → 新", …]; empty for an unchanged existing organization
    fields: dict  # the values to write: short_name, kind, slug, parent (a name or None)


@dataclass
class Plan:
    errors: list = field(default_factory=list)  # (row number, message)
    organizations: list = field(default_factory=list)  # OrganizationChange, parents before children
    new_users: dict = field(default_factory=dict)  # username -> email
    emails_set: dict = field(default_factory=dict)  # existing username without an e-mail -> email
    memberships: list = field(default_factory=list)  # (username, organization name, role), new ones only

    @property
    def ok(self):
        return not self.errors

    @property
    def new_roles(self):
        """(username, organization name, role label) of the roles to add, for people to read."""
        return [(username, name, Membership.Role(role).label) for username, name, role in self.memberships]

    def counts(self):
        created = sum(1 for o in self.organizations if o.created)
        updated = sum(1 for o in self.organizations if not o.created and o.changes)
        return {"created": created, "updated": updated, "users": len(self.new_users), "roles": len(self.memberships)}

    def summary(self):
        c = self.counts()
        return f"新建机关 {c['created']} 个，更新 {c['updated']} 个，新建账号 {c['users']} 个，新增角色 {c['roles']} 个"


def plan_import(rows):
    """What importing the rows would do, or every reason it cannot: nothing is written here."""
    plan = Plan()
    existing = {o.name: o for o in Organization.objects.select_related("parent")}
    in_file = {}
    for row in rows:
        _check_row(plan, row, in_file)
    names = _name_index(existing, in_file)
    parents = {name: (org.parent.name if org.parent else None) for name, org in existing.items()}
    for name, row in in_file.items():
        if row.parent:
            parents[name] = _resolve_parent(plan, row, names)
    _check_cycles(plan, in_file, parents)
    _check_slugs(plan, in_file, existing)
    _plan_people(plan, rows, in_file)
    if plan.ok:
        plan.organizations = [
            _change(in_file[name], existing.get(name), parents) for name in _parents_first(in_file, parents)
        ]
    plan.errors.sort(key=lambda e: e[0])
    return plan


def _check_row(plan, row, in_file):
    def error(message):
        plan.errors.append((row.number, message))

    if not row.name:
        error("名称为空")
    elif len(row.name) > NAME_MAX:
        error(f"名称过长（{len(row.name)} 字，最多 {NAME_MAX} 字）")
    elif row.name in in_file:
        error(f"名称“{row.name}”与第 {in_file[row.name].number} 行重复")
    else:
        in_file[row.name] = row
    if any(_has_control(v) for v in (row.name, row.short_name, row.parent)):
        error("名称、简称或上级中含有换行等控制字符")
    if len(row.short_name) > SHORT_MAX:
        error(f"简称过长（{len(row.short_name)} 字，最多 {SHORT_MAX} 字）")
    if row.kind and row.kind not in KINDS:
        error(f"未知的类型“{row.kind}”；可用：{'、'.join(label for _, label in Organization.Kind.choices)}")
    if row.slug:
        try:
            validate_slug(row.slug)
        except ValidationError:
            error(f"网址标识“{row.slug}”只能包含字母、数字、连字符和下划线")
        if len(row.slug) > SLUG_MAX:
            error(f"网址标识过长（最多 {SLUG_MAX} 个字符）")
    for column in ("editors", "reviewers"):
        if len(getattr(row, column)) > MAX_CELL:
            error(f"{_column_title(column)}列过长（最多 {MAX_CELL} 个字符）")


def _has_control(text):
    return any(ord(c) < 32 or ord(c) == 127 for c in text)


def _column_title(attribute):
    return next(title for title, a in COLUMNS.items() if a == attribute)


def _name_index(existing, in_file):
    """{name or short name: [organization names]} over the organizations as they will be."""
    index = {}
    short = {name: org.short_name for name, org in existing.items()}
    short.update({name: row.short_name or short.get(name, "") for name, row in in_file.items()})
    for name in set(existing) | set(in_file):
        index.setdefault(name, []).append(name)
        if short.get(name) and short[name] != name:
            index.setdefault(short[name], []).append(name)
    return index


def _resolve_parent(plan, row, names):
    exact = [row.parent] if row.parent in names.get(row.parent, []) else names.get(row.parent, [])
    if not exact:
        plan.errors.append((row.number, f"找不到上级机关“{row.parent}”：既不在文件中，也不在系统中"))
        return None
    if len(exact) > 1:
        plan.errors.append((row.number, f"上级“{row.parent}”不唯一（{'、'.join(sorted(exact))}），请写全称"))
        return None
    if exact[0] == row.name:
        plan.errors.append((row.number, "上级机关不能是自己"))
        return None
    return exact[0]


def _check_cycles(plan, in_file, parents):
    for name, row in in_file.items():
        chain, current = [name], parents.get(name)
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if current == name:
            plan.errors.append((row.number, f"上级关系形成循环：{' → '.join([*chain, name])}"))


def default_slug(name):
    return "org-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def _check_slugs(plan, in_file, existing):
    taken = {slug: name for name, slug in Organization.objects.values_list("name", "slug")}
    for name, row in in_file.items():
        if name in existing:
            if row.slug and row.slug != existing[name].slug and row.slug in taken:
                plan.errors.append((row.number, f"网址标识“{row.slug}”已被“{taken[row.slug]}”使用"))
            elif row.slug:
                taken[row.slug] = name
            continue
        slug = row.slug or default_slug(name)
        if slug in taken:
            plan.errors.append((row.number, f"网址标识“{slug}”已被“{taken[slug]}”使用"))
        taken[slug] = name
        row.slug = slug


def parse_people(text):
    """[(username, email or "")] from a cell such as ``zhang:zhang@x.gov.cn; li:li@x.gov.cn``; raises
    ValueError with the reason in Chinese."""
    people = []
    for entry in re.split(r"[;；\n]+", text):
        entry = entry.strip()
        if not entry:
            continue
        parts = [*re.split(r"[:：]", entry, maxsplit=1), ""]
        people.append((parts[0].strip(), parts[1].strip()))
    if len(people) > MAX_PEOPLE:
        raise ValueError(f"人数过多（最多 {MAX_PEOPLE} 人）")
    return people


def _plan_people(plan, rows, in_file):
    User = get_user_model()
    wanted = {}  # username -> (email, row number)
    roles = []
    for row in rows:
        for column, role in ROLES.items():
            try:
                people = parse_people(getattr(row, column))
            except ValueError as error:
                plan.errors.append((row.number, f"{_column_title(column)}列：{error}"))
                continue
            for username, email in people:
                problem = _person_problem(username, email)
                if problem:
                    plan.errors.append((row.number, f"{_column_title(column)}列“{username}”：{problem}"))
                    continue
                earlier = wanted.get(username)
                if earlier and email and earlier[0] and earlier[0] != email:
                    plan.errors.append(
                        (row.number, f"用户“{username}”的邮箱 {email} 与第 {earlier[1]} 行的 {earlier[0]} 不同")
                    )
                    continue
                if not earlier or not earlier[0]:
                    wanted[username] = (email, row.number)
                roles.append((username, row.name, role))
    users = {u.username: u for u in User.objects.filter(username__in=list(wanted))}
    for username, (email, number) in wanted.items():
        user = users.get(username)
        if user is None and not email:
            plan.errors.append(
                (number, f"用户“{username}”不存在：新账号要写邮箱，如 {username}:{username}@example.gov.cn")
            )
        elif user is None:
            plan.new_users[username] = email
        elif email and user.email and user.email.lower() != email.lower():
            plan.errors.append((number, f"用户“{username}”已存在，邮箱为 {user.email}，与文件中的 {email} 不同"))
        elif email and not user.email:
            plan.emails_set[username] = email
    have = set(
        Membership.objects.filter(user__username__in=list(wanted)).values_list(
            "user__username", "organization__name", "role"
        )
    )
    plan.memberships = [m for m in dict.fromkeys(roles) if m not in have and m[1] in in_file]


def _person_problem(username, email):
    if not username:
        return "用户名为空（格式：用户名:邮箱，多人用分号隔开）"
    if len(username) > 150:
        return "用户名过长（最多 150 个字符）"
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        return "用户名只能包含字母、数字和 @ . + - _"
    if email:
        if len(email) > 254:
            return "邮箱过长"
        try:
            validate_email(email)
        except ValidationError:
            return f"邮箱“{email}”格式不正确"
    return ""


def _parents_first(in_file, parents):
    ordered, seen = [], set()

    def visit(name):
        if name in seen or name not in in_file:
            return
        seen.add(name)
        visit(parents.get(name))
        ordered.append(name)

    for name in in_file:
        visit(name)
    return ordered


def _change(row, org, parents):
    kind = KINDS[row.kind] if row.kind else (org.kind if org else Organization.Kind.DEPARTMENT)
    fields = {
        "short_name": row.short_name or (org.short_name if org else ""),
        "kind": kind,
        "slug": row.slug or (org.slug if org else default_slug(row.name)),
        "parent": parents.get(row.name),
    }
    if org is None:
        return OrganizationChange(row.number, row.name, True, [], fields)
    before = {
        "short_name": org.short_name,
        "kind": org.kind,
        "slug": org.slug,
        "parent": org.parent.name if org.parent else None,
    }
    labels = {"short_name": "简称", "kind": "类型", "slug": "网址标识", "parent": "上级"}
    shown = {"kind": dict(Organization.Kind.choices)}

    def printed(key, value):
        return shown.get(key, {}).get(value, value) or "（空）"

    changes = [f"{labels[k]}：{printed(k, before[k])} → {printed(k, v)}" for k, v in fields.items() if before[k] != v]
    return OrganizationChange(row.number, row.name, False, changes, fields)


# ---- importing -----------------------------------------------------------------------------------------------


@dataclass
class Result:
    plan: Plan
    new_users: list  # the User objects created


@transaction.atomic
def apply_plan(plan):
    """Write what ``plan_import`` found, in one transaction. Call only with a plan without errors."""
    assert plan.ok, "a plan with errors is never applied"
    User = get_user_model()
    organizations = {}
    for change in plan.organizations:
        values = dict(change.fields)
        parent = values.pop("parent")
        values["parent"] = (
            organizations.get(parent) or Organization.objects.get(name=parent) if parent is not None else None
        )
        org, _ = Organization.objects.update_or_create(name=change.name, defaults=values)
        organizations[change.name] = org
    created = [User.objects.create_user(username, email) for username, email in plan.new_users.items()]
    for username, email in plan.emails_set.items():
        User.objects.filter(username=username).update(email=email)
    users = {u.username: u for u in User.objects.filter(username__in={m[0] for m in plan.memberships})}
    for username, name, role in plan.memberships:
        Membership.objects.get_or_create(user=users[username], organization=organizations[name], role=role)
    return Result(plan, created)


def set_password_path(user):
    """The path of the page where a new account sets its password (Django's password-reset token: valid for
    ``PASSWORD_RESET_TIMEOUT``, and only until the password is set)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("workspace:password_set", args=[uid, default_token_generator.make_token(user)])


def send_set_password_email(user, link):
    subject = "【年度报告系统】请设置您的账号密码"
    body = (
        f"{user.username}：\n\n"
        "已为您开通政府信息公开工作年度报告系统的账号。请打开以下链接设置密码（链接只能使用一次，"
        f"并会过期）：\n{link}\n\n用户名：{user.username}\n\n本邮件由系统自动发送，请勿直接回复。\n"
    )
    send_mail(subject, body, None, [user.email])
