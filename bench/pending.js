// Goals of the performance issue whose features are on other branches: each shows in the
// report as pending until a scenario file of the same name lands in bench/scenarios/.
module.exports = [];
