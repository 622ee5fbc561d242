// Hooks start and stop whole applications: give them the same room as tests.
jest.setTimeout(60_000);
