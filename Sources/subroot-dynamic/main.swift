import SubrootCLI

// The same program as subroot, linked dynamically: see StaticLauncher.
SubrootEntry.main()
