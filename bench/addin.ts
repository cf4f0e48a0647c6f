// The add-in side of the benchmark: filled in with the add-in (issue 3).
export async function runAddinBench(): Promise<void> {}
