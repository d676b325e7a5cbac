# CONTROL KERNEL, must fail (off_by_one): ids are clamped to vocab − 2 instead of vocab − 1, so the last row of the table is never read and every token of id vocab − 1 gets the row before it.
# Embedding lookup, y[t, d] = table[ids[t], d]: one program per token (grid axis 0, which has room for any token
# count) and per BLOCK elements of the row (axis 1). The id is widened to 64 bits before ids·dim, which may pass 2^31.
import triton
import triton.language as tl


@triton.jit
def embedding(table, ids, y, tokens, vocab, dim, BLOCK: tl.constexpr):
    t = tl.program_id(0)
    d = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
    mask = d < dim
    row = tl.minimum(tl.load(ids + t), vocab - 2).to(tl.int64)
    values = tl.load(table + row * dim + d, mask=mask)
    tl.store(y + t.to(tl.int64) * dim + d, values, mask=mask)
