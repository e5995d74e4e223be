package org.conceptprune.cli;
public class Main { public static void main(String[] a) {} }
