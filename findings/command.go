package findings

import "strings"

// commands writes the kubectl audit commands that drill into a finding.
type commands struct {
	files []string
}

// flag is one --name=value of a command.
type flag struct {
	name, value string
}

// command writes "kubectl audit -f FILE... --name=value... tail...", every
// value quoted for a POSIX shell.
func (c commands) command(flags []flag, tail ...string) string {
	var b strings.Builder
	b.WriteString("kubectl audit")
	files := c.files
	if len(files) == 0 {
		b.WriteString(" -f " + PathsPlaceholder)
	}
	for _, f := range files {
		b.WriteString(" -f ")
		b.WriteString(shellQuote(f))
	}
	for _, f := range flags {
		b.WriteString(" --")
		b.WriteString(f.name)
		b.WriteByte('=')
		b.WriteString(shellQuote(f.value))
	}
	for _, t := range tail {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	return b.String()
}

// byVerb drills into what the flags select: kubectl audit ... --by=verb -otop.
func (c commands) byVerb(flags ...flag) string {
	return c.command(flags, "--by=verb", "-otop")
}

// byUser lists who made the requests the flags select.
func (c commands) byUser(flags ...flag) string {
	return c.command(flags, "--by=user", "-otop")
}

// user drills into a user's requests by verb. A field-manager-qualified
// user (name[manager], as --by=user writes it) selects the field manager
// too.
func (c commands) user(user string) string {
	return c.byVerb(userFlags(user)...)
}

// userFlags are the flags that select a user as --by=user names it.
func userFlags(user string) []flag {
	name, manager, ok := splitManager(user)
	if !ok {
		return []flag{{"user", user}}
	}
	return []flag{{"user", name}, {"field-manager", manager}}
}

// samples lists the requests of a row by auditID, with the auditIDs.
func (c commands) samples(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return c.command([]flag{{"uid", strings.Join(ids, ",")}}, "-owide")
}

// splitManager splits "name[manager]" into name and manager.
func splitManager(user string) (name, manager string, ok bool) {
	if !strings.HasSuffix(user, "]") {
		return user, "", false
	}
	i := strings.LastIndexByte(user, '[')
	if i < 0 {
		return user, "", false
	}
	return user[:i], user[i+1 : len(user)-1], true
}

// shellQuote quotes s for a POSIX shell: as is when it holds only
// characters no shell treats specially, else in single quotes, a single
// quote inside closing the quotes, escaped, and opening them again.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return !shellSafe(r) }) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func shellSafe(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
		return true
	}
	return strings.ContainsRune("@%+=:,./_-", r)
}
