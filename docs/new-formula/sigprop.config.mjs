// sigprop.config.mjs in the directory you run sigprop from: every command loads these modules
// (paths relative to this file), as if each were given with --claims-module.
/** @type {import('sigprop').ClaimsModule} */
export default { modules: ['dist/rmsnorm.js'] };
