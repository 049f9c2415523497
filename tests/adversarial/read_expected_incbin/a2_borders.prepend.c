/* tests/adversarial/read_expected_incbin: see expect.toml. Embeds the kit's
 * expected outputs (and a test file) with .incbin, hidden behind a macro. */
#define EMBED(sym, path) __asm__(".section .rodata\n" #sym ":\n.incbin \"" path "\"\n.previous")
EMBED(expected_bytes, "/work/main/build/expected/a2.pad_image.letter_f_zero.npy");
EMBED(cases_bytes, "/work/main/tests/cases.toml");
