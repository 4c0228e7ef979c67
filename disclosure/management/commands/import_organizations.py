from pathlib import Path

from django.core.management.base import BaseCommand

from disclosure import orgimport

from ._common import refuse

EXIT_BAD_ROWS = 1


class Command(BaseCommand):
    help = (
        "Create or update organizations, accounts and roles from a CSV or XLSX file (columns 名称, 简称, 类型, 上级, "
        "编辑, 审核; people as 用户名:邮箱 separated by ;). All or nothing. "
        "退出状态：0 已导入（或 --dry-run 检查通过）；1 有错误的行，未做任何修改；"
        "2 拒绝执行（文件无法读取、过大或表头有误）"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv (UTF-8 or GBK) or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
        parser.add_argument(
            "--send-email", action="store_true", help="e-mail each new account its set-password link (else printed)"
        )
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="the site's address, for the set-password links (default http://127.0.0.1:8000)",
        )

    def handle(self, file, dry_run=False, send_email=False, site_url="", **options):
        try:
            data = _read(file)
            rows = orgimport.read_rows(data, file)
        except orgimport.RefusedFile as error:
            raise refuse(f"拒绝导入 {file}：{error}；没有做任何修改") from None
        plan = orgimport.plan_import(rows)
        if not plan.ok:
            for number, message in plan.errors:
                self.stderr.write(f"第 {number} 行：{message}")
            self.stderr.write(f"共 {len(plan.errors)} 处错误，没有导入任何内容。请改正后重新导入。")
            raise SystemExit(EXIT_BAD_ROWS)
        self._describe(plan)
        if dry_run:
            self.stdout.write(f"检查通过（试运行，未做任何修改）：将{plan.summary()}")
            return
        result = orgimport.apply_plan(plan)
        self.stdout.write(f"已导入：{plan.summary()}")
        for user in result.new_users:
            link = site_url.rstrip("/") + orgimport.set_password_path(user)
            if send_email:
                orgimport.send_set_password_email(user, link)
                self.stdout.write(f"已向 {user.username} <{user.email}> 发送设置密码链接")
            else:
                self.stdout.write(f"{user.username} <{user.email}> 设置密码：{link}")

    def _describe(self, plan):
        for change in plan.organizations:
            if change.created:
                self.stdout.write(f"第 {change.row} 行：新建 {change.name}")
            elif change.changes:
                self.stdout.write(f"第 {change.row} 行：更新 {change.name}（{'；'.join(change.changes)}）")
        for username, email in plan.new_users.items():
            self.stdout.write(f"新建账号 {username} <{email}>")
        for username, name, role in plan.new_roles:
            self.stdout.write(f"新增角色 {username} · {name} · {role}")


def _read(file):
    path = Path(file)
    try:
        if path.stat().st_size > orgimport.MAX_BYTES:
            raise orgimport.RefusedFile(f"文件过大，最大 {orgimport.MAX_BYTES // 1024} KB")
        return path.read_bytes()
    except OSError as error:
        raise orgimport.RefusedFile(f"无法读取文件：{error.strerror or error}") from None
