"""A table with merged cells → a rectangular grid of texts: a merged cell's text fills every place it
covers, so a header stands above each of its columns and a row heading beside each of its rows."""


def expand(table):
    return expand_with_origins(table)[0]


def expand_with_origins(table):
    """The grid, and beside it which source cell each place shows (one merged cell is one value)."""
    grid, origins, taken = [], [], {}
    for r, row in enumerate(table.rows):
        out, where, c = [], [], 0
        for cell in row:
            while (r, c) in taken:
                text, origin = taken.pop((r, c))
                out.append(text)
                where.append(origin)
                c += 1
            text = cell.text
            if cell.continues and grid and c < len(grid[-1]):
                text = grid[-1][c]
            for dc in range(cell.colspan):
                out.append(text)
                where.append((r, c))
                for dr in range(1, cell.rowspan):
                    taken[(r + dr, c + dc)] = (text, (r, c))
            c += cell.colspan
        while (r, c) in taken:
            text, origin = taken.pop((r, c))
            out.append(text)
            where.append(origin)
            c += 1
        if r in getattr(table, "continuation", ()) and grid:
            _go_on(grid[-1], out)
            continue
        grid.append(out)
        origins.append(where)
    return grid, origins


def _go_on(above, rest):
    """The rest of a row cut by a page break: each text goes on at the end of the one above it."""
    for position, text in enumerate(rest[: len(above)]):
        if text.strip() and text != above[position]:
            above[position] += text
