"""A table with merged cells → a rectangular grid of texts: a merged cell's text fills every place it
covers, so a header stands above each of its columns and a row heading beside each of its rows."""


def expand(table):
    grid, taken = [], {}
    for r, row in enumerate(table.rows):
        out, c = [], 0
        for cell in row:
            while (r, c) in taken:
                out.append(taken.pop((r, c)))
                c += 1
            text = cell.text
            if cell.continues and r > 0 and c < len(grid[r - 1]):
                text = grid[r - 1][c]
            for dc in range(cell.colspan):
                out.append(text)
                for dr in range(1, cell.rowspan):
                    taken[(r + dr, c + dc)] = text
            c += cell.colspan
        while (r, c) in taken:
            out.append(taken.pop((r, c)))
            c += 1
        grid.append(out)
    return grid
