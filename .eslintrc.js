// The one rules file (legacy format); eslint.config.js loads it for ESLint 10 through FlatCompat.
const MODULES = ['access-policy', 'users', 'teams', 'audit', 'organizations', 'auth', 'web'];
// Layers from the bottom (DESIGN.md): a module may import only modules of lower layers. Audit
// stands at the top: it reads every module's public face (teams for its `team` filter, auth's
// signing keys for checkpoints) and nothing imports it but the pages that present it.
const LAYER = { 'access-policy': 0, users: 1, teams: 2, organizations: 3, auth: 4, audit: 5, web: 6 };

const noDeepImports = MODULES.map((m) => ({
  group: [`**/modules/${m}/*`, `../${m}/*`, `../../${m}/*`, `../../../${m}/*`, `../../../../${m}/*`],
  message: `Import the ${m} module only through its index.ts.`,
}));

const moduleOverrides = MODULES.map((m) => {
  const above = MODULES.filter((other) => other !== m && LAYER[other] >= LAYER[m]);
  return {
    files: [`src/modules/${m}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...noDeepImports.filter((p) => !p.message.startsWith(`Import the ${m} `)),
            ...above.map((other) => ({
              group: [`**/modules/${other}`, `../${other}`, `../../${other}`, `../../../${other}`, `../../../../${other}`],
              message: `${m} may not depend on ${other}: the module graph points down (DESIGN.md).`,
            })),
          ],
        },
      ],
    },
  };
});

module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { project: './tsconfig.json', tsconfigRootDir: __dirname, sourceType: 'module' },
  plugins: ['@typescript-eslint'],
  extends: [
    'eslint:recommended',
    'plugin:@typescript-eslint/recommended-type-checked',
  ],
  env: { node: true, jest: true, es2022: true },
  ignorePatterns: ['dist/', 'node_modules/'],
  rules: {
    eqeqeq: ['error', 'always'],
    'no-console': 'error',
    '@typescript-eslint/no-explicit-any': 'error',
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': 'error',
    '@typescript-eslint/switch-exhaustiveness-check': 'error',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    '@typescript-eslint/no-extraneous-class': 'off',
    '@typescript-eslint/require-await': 'off',
    '@typescript-eslint/unbound-method': 'off',
    'no-restricted-syntax': [
      'error',
      { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through AppConfig (src/infrastructure/config).' },
      { selector: "CallExpression[callee.name='forwardRef']", message: 'No forwardRef between modules: invert with an event or a contract.' },
    ],
    'no-restricted-imports': ['error', { patterns: noDeepImports }],
  },
  overrides: [
    ...moduleOverrides,
    {
      files: ['src/infrastructure/**/*.ts', 'src/shared/**/*.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [{ group: ['**/modules/**', '**/modules'], message: 'Infrastructure and shared know no module.' }] },
        ],
      },
    },
    {
      files: ['src/infrastructure/config/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'src/main.ts', 'src/cli/**/*.ts'],
      rules: { 'no-restricted-syntax': 'off' },
    },
    {
      files: ['test/**/*.ts', 'src/**/*.spec.ts', 'src/**/*.int-spec.ts', 'bench/**/*.ts'],
      // tests may reach into a module's internals; the boundaries bind production code
      rules: {
        '@typescript-eslint/no-unsafe-assignment': 'off',
        '@typescript-eslint/no-unsafe-member-access': 'off',
        'no-console': 'off',
        'no-restricted-imports': 'off',
      },
    },
  ],
};
