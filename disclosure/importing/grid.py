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
            if cell.continues and r > 0 and c < len(grid[r - 1]):
                text = grid[r - 1][c]
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
        grid.append(out)
        origins.append(where)
    return grid, origins
