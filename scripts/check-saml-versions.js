#!/usr/bin/env node
// Fails when the installed SAML stack resolves below the versions that fix the known
// signature-wrapping and comment-injection bypasses (SAML-ATTACKS.md): @node-saml/node-saml
// 5.1.0 and xml-crypto 6.1.2 (CVE-2025-54419, CVE-2024-32962, CVE-2025-29774/29775).
// Every copy in the tree counts, not only the top-level one: `npm ls` lists them all.
const { execFileSync } = require('node:child_process');

const MINIMUM = { '@node-saml/node-saml': '5.1.0', 'xml-crypto': '6.1.2' };

function older(version, minimum) {
  const a = version.split(/[.-]/).map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] || 0) !== b[i]) return (a[i] || 0) < b[i];
  return false;
}

function collect(node, name, found) {
  for (const [dependency, child] of Object.entries(node.dependencies || {})) {
    if (dependency === name && child.version) found.add(child.version);
    collect(child, name, found);
  }
}

let tree;
try {
  tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--json', ...Object.keys(MINIMUM)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
} catch (error) {
  // npm ls exits non-zero on any tree problem but still prints the tree
  tree = JSON.parse(error.stdout || '{}');
}

let failed = false;
for (const [name, minimum] of Object.entries(MINIMUM)) {
  const found = new Set();
  collect(tree, name, found);
  if (!found.size) {
    console.error(`${name} is not installed (need >= ${minimum})`);
    failed = true;
  }
  for (const version of found) {
    if (older(version, minimum)) {
      console.error(`${name} ${version} is installed; SAML needs >= ${minimum}`);
      failed = true;
    } else {
      console.log(`${name} ${version} ok (>= ${minimum})`);
    }
  }
}
process.exit(failed ? 1 : 0);
