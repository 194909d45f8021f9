package main

func bench(args []string) error { return usageError{"bench: not built yet"} }
