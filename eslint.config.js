// ESLint 10 reads only flat config; this adapter keeps .eslintrc.js the single rules file.
const { FlatCompat } = require('@eslint/eslintrc');
const js = require('@eslint/js');

const compat = new FlatCompat({ baseDirectory: __dirname, recommendedConfig: js.configs.recommended });

module.exports = [{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js'] }, ...compat.config(require('./.eslintrc.js'))];
