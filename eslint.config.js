// ESLint 10 reads only flat config; this adapter keeps .eslintrc.js the single rules file
// for the TypeScript, and lints the plain-JavaScript benchmarks with the recommended rules.
const { FlatCompat } = require('@eslint/eslintrc');
const js = require('@eslint/js');

const compat = new FlatCompat({ baseDirectory: __dirname, recommendedConfig: js.configs.recommended });

const nodeGlobals = Object.fromEntries(
  ['require', 'module', 'process', '__dirname', 'console', 'Buffer', 'URL', 'setTimeout', 'setInterval', 'clearInterval', 'clearTimeout'].map(
    (name) => [name, 'readonly'],
  ),
);

module.exports = [
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '*.js'] },
  ...compat.config(require('./.eslintrc.js')).map((config) => ({ ...config, files: config.files ?? ['**/*.ts'] })),
  {
    files: ['bench/**/*.js'],
    ...js.configs.recommended,
    languageOptions: { ecmaVersion: 2022, sourceType: 'commonjs', globals: nodeGlobals },
    rules: { ...js.configs.recommended.rules, eqeqeq: ['error', 'always'] },
  },
];
