#!/usr/bin/env node
// Validates the deploy/ files with tools made for them, offline:
//   deploy/kubernetes/*.yaml  every document against the Kubernetes OpenAPI schema of its apiVersion/kind
//                             (kubernetes-models: generated from Kubernetes' own OpenAPI spec, checked with ajv)
//   deploy/ci/github-actions.yml  against the GitHub Actions workflow schema (action-validator, SchemaStore's schema)
//   deploy/ci/gitlab-ci.yml   parsed and checked by gitlab-ci-local (GitLab's CI schema, jobs listed)
// Prints one line per file; exits 1 when any is invalid.
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const YAML = require('yaml');

const deploy = path.resolve(__dirname, '..');
let bad = 0;
const say = (ok, file, what) => {
  if (!ok) bad++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${path.relative(deploy, file)}: ${what}`);
};

async function kube(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const d of docs) {
    if (d.errors.length) { say(false, file, d.errors.map(String).join('; ')); continue; }
    const obj = d.toJS();
    if (!obj) continue;
    const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
    const mod = group === '' ? `kubernetes-models/${version}/${obj.kind}` : `kubernetes-models/${group}/${version}/${obj.kind}`;
    let Model;
    try { Model = (await import(mod))[obj.kind]; } catch (e) { say(false, file, `no schema for ${obj.apiVersion} ${obj.kind}`); continue; }
    try {
      new Model(obj).validate();
      say(true, file, `${obj.kind} ${obj.metadata && obj.metadata.name} is a valid ${obj.apiVersion} ${obj.kind}`);
    } catch (e) {
      say(false, file, `${obj.kind}: ${String(e.message || e).split('\n').slice(0, 6).join(' ')}`);
    }
  }
}

function github(file) {
  const { validateWorkflow } = require('@action-validator/core');
  const r = validateWorkflow(fs.readFileSync(file, 'utf8'));
  say(r.errors.length === 0, file, r.errors.length === 0 ? 'a valid GitHub Actions workflow'
    : r.errors.map((e) => `${e.path || ''} ${e.title}: ${e.detail || ''}`).join('; '));
}

function gitlab(file) {
  // gitlab-ci-local reads .gitlab-ci.yml from a directory of its own (a git work tree): a copy, nothing runs
  const tmp = fs.mkdtempSync(path.join(require('os').tmpdir(), 'gcl-'));
  fs.copyFileSync(file, path.join(tmp, '.gitlab-ci.yml'));
  execFileSync('git', ['init', '-q', tmp]);
  execFileSync('git', ['-C', tmp, 'remote', 'add', 'origin', 'https://gitlab.example.com/voice/bot.git']);
  const bin = require.resolve('gitlab-ci-local/src/index.js');
  try {
    const out = execFileSync(process.execPath, [bin, '--cwd', '.', '--list-json'], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const jobs = JSON.parse(out).map((j) => j.name);
    say(true, file, `valid GitLab CI; jobs: ${jobs.join(', ')}`);
  } catch (e) {
    say(false, file, String(e.stderr || e.stdout || e.message).trim().split('\n').slice(-4).join(' '));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const files = process.argv.slice(2);
const list = files.length ? files.map((f) => path.resolve(f)) : [
  ...fs.readdirSync(path.join(deploy, 'kubernetes')).filter((f) => f.endsWith('.yaml')).map((f) => path.join(deploy, 'kubernetes', f)),
  path.join(deploy, 'ci', 'github-actions.yml'), path.join(deploy, 'ci', 'gitlab-ci.yml')];
(async () => {
  for (const f of list) {
    if (f.includes(`${path.sep}kubernetes${path.sep}`)) await kube(f);
    else if (f.endsWith('github-actions.yml')) github(f);
    else if (f.endsWith('gitlab-ci.yml')) gitlab(f);
    else say(false, f, 'not a file this validates');
  }
  process.exit(bad ? 1 : 0);
})();
