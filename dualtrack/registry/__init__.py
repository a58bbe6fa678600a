"""The registry (基础信息): regions, parks, industries, departments, enterprises, electricity accounts."""
